#pragma once

namespace bulletin::host {
/// Runs the `bulletin` command line; returns the process exit code.
int run_cli(int argc, char** argv);
} // namespace bulletin::host
