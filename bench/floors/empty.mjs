// Floor (bench/rows/95-instructions.ts): an ES module entry point that does nothing. allocscope is
// ES modules (the brief's stack); Node starts the ESM loader for it, which `node -e 0` does not.
export {}
