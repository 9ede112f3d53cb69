#include "cli.hpp"

int main(int argc, char** argv) {
    return bulletin::host::run_cli(argc, argv);
}
