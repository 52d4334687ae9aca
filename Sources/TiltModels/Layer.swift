// The TiltModels layer; see Docs/architecture.md.
