/** Where a value came from: a file and a JSON path inside it (`NetworkAcls[2].Entries[5]`). */
export interface SourceRef {
  readonly file: string;
  readonly path: string;
}

/** A non-fatal note about the input. Warnings are never errors: the value stays in the model. */
export interface Warning {
  readonly source: SourceRef;
  readonly message: string;
  /**
   * `changes-answers`: a value the answers depend on is unknown (a referenced group or subnet missing from
   * the snapshot, a prefix list without entries, a plan value unknown until apply): shown first.
   * `not-modelled`: a describe-* output vpcwhy does not read (the key is the source path): shown as one line.
   */
  readonly kind?: 'changes-answers' | 'not-modelled';
}
