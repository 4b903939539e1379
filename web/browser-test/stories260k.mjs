// stories260K's known greedy continuation of "Zoo" (57 tokens, temperature 0): the same text the
// native CLI, the Node engines (web/test/) and every browser backend must give.
export const MODEL_PATH = '/shared/models/stories260K.gguf';
export const ZOO_57 =
  ' was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. ' +
  "She wanted to play with it, but she didn't want to play with";
