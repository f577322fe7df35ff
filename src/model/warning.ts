/** Where a value came from: a file and a JSON path inside it (`NetworkAcls[2].Entries[5]`). */
export interface SourceRef {
  readonly file: string;
  readonly path: string;
}

/** A non-fatal note about the input. Warnings are never errors: the value stays in the model. */
export interface Warning {
  readonly source: SourceRef;
  readonly message: string;
}
