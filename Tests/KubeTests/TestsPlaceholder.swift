// Placeholder until the tests are written; keeps the package resolvable.
enum TestsPlaceholder {}
