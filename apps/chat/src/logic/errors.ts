// The engine's typed errors in plain words, with what the person can do about them. The engine's
// own message is kept after the explanation: it names the file, tensor or byte count.

export interface ErrorLike {
  type?: string;
  code?: string | null;
  message?: string;
}

export interface Explained {
  title: string;
  detail: string;
  /** Offer to reload the model (a lost GPU, a dropped download). */
  reload: boolean;
}

export function explainError(e: unknown): Explained {
  const err = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as ErrorLike;
  const msg = err.message ?? 'unknown error';
  const is = (t: string): boolean => err.type === t;
  if (err.code === 'context_length_exceeded')
    return { title: 'The conversation no longer fits the model\'s context', detail: `Start a new chat, pick a larger context, or set "When the context is full" to "drop the oldest messages" in Settings. (${msg})`, reload: false };
  if (is('device_lost'))
    return { title: 'The GPU stopped responding', detail: `The conversation is kept. Reload the model to continue. (${msg})`, reload: true };
  if (is('out_of_memory'))
    return { title: 'Not enough memory for this model', detail: `Try a smaller model or context, or the CPU backend. (${msg})`, reload: false };
  if (is('malformed_file'))
    return { title: 'This is not a valid GGUF model', detail: `The file may be truncated or damaged. (${msg})`, reload: false };
  if (is('unsupported'))
    return { title: 'hearth cannot run this model', detail: msg, reload: false };
  if (is('network_error'))
    return { title: 'The download failed', detail: `Load the model again to resume where it stopped. (${msg})`, reload: true };
  if (is('aborted'))
    return { title: 'Download cancelled', detail: msg, reload: true };
  if (is('quota_exceeded'))
    return { title: 'No room left to store the model', detail: `Delete a downloaded model below, or free up disk space. (${msg})`, reload: false };
  if (is('integrity_error'))
    return { title: 'The download is corrupt', detail: `Its bytes do not match the published checksum; the copy was removed. (${msg})`, reload: true };
  if (is('invalid_request_error'))
    return { title: 'The request was refused', detail: msg, reload: false };
  if (is('io_error'))
    return { title: 'The model could not be read', detail: msg, reload: false };
  return { title: 'Something went wrong', detail: msg, reload: false };
}
