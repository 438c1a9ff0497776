// A shared library that looks like a plugin by its name but exports no manifest.
extern "C" __attribute__((visibility("default"))) int not_a_sluice_plugin() { return 42; }
