// OpenAI-style request errors: a HearthError of type 'invalid_request_error' whose `param` names
// the offending request field (as OpenAI's error object does), e.g. 'temperature', 'messages[1].role'.
import { HearthError } from '../errors.mjs';

export class InvalidRequestError extends HearthError {
  readonly param: string | null;
  readonly code: string | null;

  constructor(param: string | null, message: string, code: string | null = null) {
    super('invalid_request_error', message);
    this.name = 'InvalidRequestError';
    this.param = param;
    this.code = code;
  }
}
