// Typed errors: every failure the engine reports is a HearthError whose `type` a caller can branch
// on. The C++ core's codes (core/util/error.h, error_code_name) come through unchanged; the JS side
// adds its own for what only it can detect.
export type HearthErrorType =
  | 'invalid_argument' // a caller-supplied value is wrong
  | 'malformed_file' // a model file is truncated, corrupted or inconsistent
  | 'unsupported' // a valid input hearth does not implement (architecture, tensor type)
  | 'out_of_memory'
  | 'io_error' // reading a file failed (Node CLI)
  | 'internal' // a broken invariant inside hearth
  | 'not_implemented' // a feature of the API that is not built yet (e.g. the WebGPU backend)
  | 'device_lost' // the GPU device was lost (driver reset, destroy()); load() the model again
  | 'invalid_request_error' // an OpenAI-style request is invalid (openai/errors.mts: .param names the field)
  | 'network_error' // a download failed: HTTP error status, connection lost after all retries
  | 'aborted' // the caller's AbortSignal fired (a download keeps its partial data for a resume)
  | 'quota_exceeded' // the model cache has no room (browser storage quota, ENOSPC on disk)
  | 'integrity_error'; // downloaded bytes do not match the expected sha256 (the cached copy is removed)

const KNOWN: ReadonlySet<string> = new Set<HearthErrorType>([
  'invalid_argument', 'malformed_file', 'unsupported', 'out_of_memory', 'io_error', 'internal', 'not_implemented',
]);

export class HearthError extends Error {
  readonly type: HearthErrorType;

  constructor(type: HearthErrorType, message: string) {
    super(message);
    this.name = 'HearthError';
    this.type = type;
  }

  /** The error of a C ABI reply, `{"error": {"type", "message"}}`. */
  static fromReply(error: { type?: unknown; message?: unknown }): HearthError {
    const type = typeof error.type === 'string' && KNOWN.has(error.type) ? (error.type as HearthErrorType) : 'internal';
    const message = typeof error.message === 'string' ? error.message : 'unknown error';
    return new HearthError(type, message);
  }
}
