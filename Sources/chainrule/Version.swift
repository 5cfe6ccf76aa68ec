/// The version of ChainRule (semantic versioning), printed by
/// `chainrule --version`. The one place it is written: a release updates it
/// and CHANGELOG.md together (ExamplesTests checks they agree, and that the
/// README's `.package(url:from:)` line names it).
let chainruleVersion = "0.2.0"
