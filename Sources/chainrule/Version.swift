/// The version of ChainRule (semantic versioning; CHANGELOG.md's newest release).
let chainruleVersion = "0.2.0"
