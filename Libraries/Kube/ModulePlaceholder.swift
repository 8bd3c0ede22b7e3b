// Placeholder until the module is written; keeps the package resolvable.
enum ModulePlaceholder {}
