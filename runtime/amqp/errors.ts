/** Errors only RabbitMQ raises; each is also one of the neutral errors, so callers above the seam need not know. */
import { DestinationNotFoundError } from '../errors.js';

/** The exchange a publish was sent to does not exist (the topology naming it was not declared). */
export class ExchangeNotFoundError extends DestinationNotFoundError {
  constructor(
    readonly exchange: string,
    destination: string,
  ) {
    super(destination, `exchange '${exchange}' does not exist`);
  }
}
