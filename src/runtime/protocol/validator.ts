/** What a precompiled (ajv) validator is to the runtime and the client: a type guard with its errors. */
/** One error of a precompiled (ajv) validator, as much of it as the runtime reads. */
export interface ValidatorError {
  instancePath: string;
  /** Where in the schema it failed: `#/...` in the message's own schema, `<id>/...` in a named one. */
  schemaPath?: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A precompiled validator: a type guard that leaves its errors on itself. */
export interface Validator<T> {
  (data: unknown): data is T;
  errors?: ValidatorError[] | null;
}
