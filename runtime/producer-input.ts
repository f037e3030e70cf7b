/**
 * What a producer may pass for a payload. Catalogue objects are open models: their zod schemas keep
 * unknown fields, so a consumer built from an older catalogue still reads events from newer
 * producers, and their inferred types carry an index signature (`[k: string]: unknown`). A
 * producer needs the opposite: with that signature, a misspelt field (`quantiy`) beside the
 * required ones compiles and ships. This type removes it, so excess keys in an object literal are
 * type errors, while consumers keep the tolerant payload type.
 *
 * Left open: an object with no declared fields (a free-form map: `details: { type: object }`), and
 * one whose schema says `additionalProperties: true` explicitly; the generator gives the latter an
 * index signature of JSON values rather than `unknown`, which is what tells the two apart here.
 */
export type ProducerInput<T> = T extends readonly unknown[] ? { [I in keyof T]: ProducerInput<T[I]> } : T extends object ? ExactObject<T> : T;

type DeclaredKey<K> = string extends K ? never : number extends K ? never : symbol extends K ? never : K;

/** The declared keys of `T`, without index signatures. */
type DeclaredKeys<T> = keyof { [K in keyof T as DeclaredKey<K>]: unknown };

type ExactObject<T> = [DeclaredKeys<T>] extends [never]
  ? T
  : unknown extends OpenValue<T>
    ? { [K in keyof T as DeclaredKey<K>]: ProducerInput<T[K]> }
    : { [K in keyof T as DeclaredKey<K>]: ProducerInput<T[K]> } & { [key: string]: OpenValue<T> };

/** What the string index signature of `T` holds (`never` without one). */
type OpenValue<T> = T extends { readonly [key: string]: infer V } ? V : never;
