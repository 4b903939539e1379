// What hearth knows about a downloadable model before fetching it.

export interface ModelRecord {
  /** The name callers pass to openModel / CreateEngine, e.g. "Qwen2.5-0.5B-Instruct-Q4_K_M". */
  model_id: string;
  /** Where the GGUF file is (a Hugging Face `resolve/main` URL for the built-in catalog). */
  url: string;
  /** Indicative size in bytes: the catalog's are approximate (the server's Content-Length is what
   * the download uses and what progress reports). */
  size: number;
  /** Hex sha256 of the file; when set, a download is verified against it. */
  sha256?: string;
  /** The model family, e.g. "qwen2.5" (FAMILY_ARCHITECTURE maps it to the GGUF architecture). */
  family: string;
  /** The GGUF quantization, e.g. "Q4_K_M". */
  quantization: string;
  /** The context length the model was trained for. */
  context_length: number;
  /** GPU memory the WebGPU engine needs at the default 4k context (see models/vram.mts). */
  vram_required_MB: number;
  /** A Jinja chat template that replaces the one in the GGUF file. */
  chat_template?: string;
}
