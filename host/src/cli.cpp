// The `bulletin` command line (CLI11). Exit codes: 0 success, 1 some input failed, 2 usage or
// configuration error (see docs/operations.md).
#include "cli.hpp"

#include "describe.hpp"

#include "batch.hpp"
#include "eval.hpp"
#include "logging.hpp"
#include "pipeline.hpp"
#include "registry.hpp"
#include "runner.hpp"
#include "scanner.hpp"
#include "state_location.hpp"
#include "worker.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <csignal>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace bulletin::host {

namespace {

struct GlobalOptions {
    std::vector<std::string> plugin_dirs;
    int verbose = 0;
    bool quiet = false;
    std::string log_format = "text";
};

/// BULLETIN_SCAN_TIMEOUT, in seconds (docs/limits.md).
double scan_timeout() {
    const char* text = std::getenv("BULLETIN_SCAN_TIMEOUT");
    if (!text) return kDefaultScanTimeoutSeconds;
    auto value = parse_double_param(text);
    if (value && *value > 0 && *value <= 3600) return *value;
    spdlog::warn("BULLETIN_SCAN_TIMEOUT='{}' is not a number of seconds between 0 and 3600; "
                 "using {} s",
                 text, kDefaultScanTimeoutSeconds);
    return kDefaultScanTimeoutSeconds;
}

/// `warn`: log each module that could not be registered (`bulletin plugins` lists them itself).
Registry make_registry(const GlobalOptions& options, bool warn) {
    std::vector<std::filesystem::path> explicit_dirs(options.plugin_dirs.begin(),
                                                     options.plugin_dirs.end());
    RegistryOptions registry_options;
    registry_options.scanner = scanner_argv();
    registry_options.scan_timeout_seconds = scan_timeout();
    registry_options.cache_file = default_registry_cache();
    Registry registry(std::move(registry_options));
    std::vector<std::filesystem::path> dirs;
    for (const auto& dir : plugin_search_path(explicit_dirs)) {
        std::error_code ec;
        bool is_explicit =
            std::find(explicit_dirs.begin(), explicit_dirs.end(), dir) != explicit_dirs.end();
        // The built-in directory may legitimately be absent (a partial install); others not.
        if (!is_explicit && !std::filesystem::exists(dir, ec) && dir == builtin_plugin_dir())
            continue;
        dirs.push_back(dir);
    }
    registry.add_directories(dirs);
    if (warn)
        for (const auto& error : registry.errors())
            spdlog::warn("{}", error.message);
    return registry;
}

void print_messages(const PipelineLoad& load) {
    for (const auto& e : load.errors)
        std::cerr << e.str() << "\n";
    for (const auto& w : load.warnings)
        std::cerr << w.str() << "\n";
}

std::string one_line(const std::string& s) {
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

int list_plugins(const Registry& registry) {
    std::cout << "Modules:\n";
    for (const auto& module : registry.modules()) {
        const ModuleDescription& m = module->description;
        std::cout << "  " << std::left << std::setw(16) << m.name << " " << std::setw(8)
                  << m.version << " " << std::setw(10) << m.license << " " << module->path.string()
                  << "\n";
    }
    std::cout << "Plugins:\n";
    for (const PluginEntry* entry : registry.plugins()) {
        const PluginDescription& p = *entry->info;
        std::cout << "  " << std::left << std::setw(10) << plugin_kind_name(p.kind) << " "
                  << std::setw(16) << p.name << " " << one_line(p.description) << "\n";
    }
    if (registry.errors().empty()) return 0;
    std::cout << "Not used (refused or broken):\n";
    for (const auto& error : registry.errors())
        std::cout << "  " << log_safe(error.path.string()) << "\n      " << log_safe(error.message)
                  << "\n";
    return 1;
}

int show_plugin(const Registry& registry, const std::string& name) {
    const PluginEntry* entry = registry.find(name);
    if (!entry) {
        std::cerr << "bulletin: no plugin named '" << name << "'";
        if (auto near = registry.nearest(name)) std::cerr << "; did you mean '" << *near << "'?";
        std::cerr << "\n";
        return 2;
    }
    print_plugin(std::cout, *entry);
    return 0;
}

/// CLI11 would wrap "-1" into the largest unsigned value, which turns a limit off.
std::string whole_number_of_bytes(const std::string& text) {
    bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits && text.find_first_not_of('0') != std::string::npos && text.size() <= 19) return {};
    return "must be a whole number of bytes, 1 or more (at most 19 digits), not '" + text + "'";
}

std::vector<Override> parse_overrides(const std::vector<std::string>& sets, bool& ok) {
    std::vector<Override> out;
    for (const auto& text : sets) {
        if (auto o = parse_override(text))
            out.push_back(*o);
        else {
            std::cerr << "bulletin: --set '" << text << "': expected STAGE.PARAM=VALUE\n";
            ok = false;
        }
    }
    return out;
}

// Set by the signal handler, read by plugins through Context::cancelled(). A signal handler can
// only reach a global; this is the one piece of global mutable state, and it is a lock-free flag.
std::atomic<bool> g_cancel{false};
extern "C" void on_stop_signal(int sig) {
    if (g_cancel.exchange(true)) {
        // A second request while a plugin does not return: stop now, the way the signal would.
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

int run_pipeline(const Registry& registry, const std::string& pipeline_file,
                 const std::vector<std::string>& inputs, const std::string& output,
                 const std::vector<std::string>& sets, std::uintmax_t max_input_bytes) {
    bool ok = true;
    auto overrides = parse_overrides(sets, ok);
    if (!ok) return 2;
    auto load = load_pipeline(pipeline_file, registry, overrides);
    print_messages(load);
    if (!load.ok()) return 2;

    std::error_code ec;
    std::filesystem::create_directories(output, ec);
    if (ec || !std::filesystem::is_directory(output)) {
        std::cerr << "bulletin: cannot create output directory " << output << ": "
                  << (ec ? ec.message() : "not a directory") << "\n";
        return 2;
    }
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);

    RunOptions options;
    options.output_root = output;
    options.cancel = &g_cancel;
    options.max_input_bytes = max_input_bytes;
    std::unique_ptr<PipelineRunner> runner;
    try {
        runner = std::make_unique<PipelineRunner>(*load.pipeline, registry, options);
    } catch (const std::exception& e) {
        std::cerr << "bulletin: " << pipeline_file << ": " << e.what() << "\n";
        return 2;
    }

    std::size_t converted = 0, failed = 0;
    for (const auto& error : runner->begin_run()) {
        std::cerr << "bulletin: " << log_safe(error) << "\n";
        return 1;
    }
    MemoryRecords records;
    for (const auto& input : inputs) {
        if (g_cancel.load()) break;
        auto outcome = runner->process(input);
        for (const auto& d : outcome.document.diagnostics)
            if (d.severity != Severity::Info) // converted, but a person should look
                spdlog::warn("{}: {}: {}", input, d.plugin, d.message);
        if (outcome.ok) {
            ++converted;
            records.add(outcome);
            for (const auto& out : outcome.outputs)
                std::cout << log_safe(input) << " -> " << log_safe(out.string()) << "\n";
            if (outcome.outputs.empty())
                std::cout << log_safe(input) << " -> (no output written)\n";
        } else {
            ++failed;
            std::cerr << "bulletin: " << log_safe(outcome.error) << "\n";
        }
    }
    for (const auto& error : runner->end_run(records)) {
        std::cerr << "bulletin: " << log_safe(error) << "\n";
        ++failed;
    }
    if (inputs.size() > 1 || failed > 0)
        std::cerr << "bulletin: converted " << converted << " of " << inputs.size() << " inputs"
                  << (failed ? ", " + std::to_string(failed) + " failed" : "") << "\n";
    if (g_cancel.load()) return 3;
    return failed == 0 ? 0 : 1;
}

int validate_pipeline(const Registry& registry, const std::string& pipeline_file,
                      const std::vector<std::string>& sets) {
    bool ok = true;
    auto overrides = parse_overrides(sets, ok);
    if (!ok) return 2;
    auto load = load_pipeline(pipeline_file, registry, overrides);
    print_messages(load);
    if (!load.ok()) return 2;
    const auto& def = *load.pipeline;
    std::cout << pipeline_file << ": valid pipeline '" << def.name << "'";
    if (def.extends_chain.size() > 1) {
        std::cout << " (extends";
        for (std::size_t i = 1; i < def.extends_chain.size(); ++i)
            std::cout << " " << def.extends_chain[i].string();
        std::cout << ")";
    }
    std::cout << "\n";
    for (const auto& stage : def.stages) {
        std::cout << "  " << std::left << std::setw(10) << plugin_kind_name(stage.kind) << " "
                  << stage.plugin << (stage.id != stage.plugin ? " (id " + stage.id + ")" : "")
                  << (stage.enabled ? "" : " [disabled]") << "\n";
        for (const auto& [name, param] : stage.params)
            std::cout << "      " << name << " = " << param.value << "\n";
    }
    return 0;
}

} // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"bulletin: turns Chinese government bulletins (简报) into structured data"};
    app.set_version_flag("--version", std::string("bulletin ") + kSdkVersion + " (module ABI " +
                                          std::to_string(kAbiVersion) + ", build key " + kBuildKey +
                                          ")");
    app.require_subcommand(1);
    GlobalOptions global;
    app.add_option("--plugin-dir", global.plugin_dirs,
                   "Also load plugins from this directory (repeatable; searched before "
                   "BULLETIN_PLUGIN_PATH and the built-in directory)");
    app.add_flag("-v,--verbose", global.verbose, "More log output (-vv for trace)");
    app.add_flag("-q,--quiet", global.quiet, "Only errors in the log");
    app.add_option("--log-format", global.log_format, "Log format on stderr")
        ->check(CLI::IsMember({"text", "json"}));

    auto* run = app.add_subcommand("run", "Convert input files with a pipeline");
    std::string pipeline_file, output = "out";
    std::vector<std::string> inputs, sets;
    std::uintmax_t max_input_bytes = 512ull * 1024 * 1024;
    run->add_option("pipeline", pipeline_file, "Pipeline XML file")
        ->required()
        ->check(CLI::ExistingFile);
    run->add_option("inputs", inputs, "Input files")->required();
    run->add_option("-o,--output", output, "Output directory (the {output} of path templates)")
        ->capture_default_str();
    run->add_option("--set", sets, "Override a parameter: STAGE.PARAM=VALUE (repeatable)");
    run->add_option("--max-input-size", max_input_bytes, "Refuse inputs larger than this (bytes)")
        ->capture_default_str()
        ->check(whole_number_of_bytes);

    auto* validate = app.add_subcommand("validate", "Check a pipeline without running it");
    std::string validate_file;
    std::vector<std::string> validate_sets;
    validate->add_option("pipeline", validate_file, "Pipeline XML file")->required();
    validate->add_option("--set", validate_sets, "Override a parameter: STAGE.PARAM=VALUE");

    auto* batch = app.add_subcommand(
        "batch", "Convert a tree of inputs incrementally (for cron and systemd timers)");
    BatchOptions batch_options;
    std::string batch_shard = "1/1", log_file;
    std::string extensions;
    batch->add_option("pipeline", batch_options.pipeline_file, "Pipeline XML file")->required();
    batch
        ->add_option("--input", batch_options.input_root,
                     "Directory of inputs (searched recursively; hidden files skipped)")
        ->required();
    batch
        ->add_option("--output", batch_options.output_root,
                     "Output directory (inputs' subdirectories are mirrored through {dir})")
        ->required();
    batch->add_option("--state", batch_options.state_file,
                      "State database (default OUTPUT/.bulletin/state.sqlite)");
    batch->add_option("--report", batch_options.report_file,
                      "JSON run report (default OUTPUT/.bulletin/report.json)");
    batch->add_option("--log-file", log_file, "Also log to this file, rotated at 10 MiB");
    batch->add_option("-j,--jobs", batch_options.jobs, "Documents converted in parallel")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    batch->add_flag(
        "--isolate", batch_options.isolate,
        "Run plugins in worker processes: a crash or hang fails one document, not the batch");
    batch
        ->add_option("--timeout", batch_options.timeout_seconds,
                     "Seconds per document before its worker is killed (requires --isolate)")
        ->capture_default_str();
    batch
        ->add_option("--max-attempts", batch_options.max_attempts,
                     "Failed conversions of an unchanged input before it is given up (0: never)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    batch->add_flag("--retry-failed", batch_options.retry_failed,
                    "Also convert inputs that were given up");
    batch->add_flag("--verify", batch_options.verify,
                    "Check each unchanged input's outputs against their recorded SHA-256 (not "
                    "only their size) before skipping it");
    batch
        ->add_option("--shard", batch_shard,
                     "Take the K-th of N slices of the inputs (K/N, 1-based), for job arrays")
        ->capture_default_str();
    auto* extensions_option =
        batch->add_option("--extensions", extensions,
                          "Comma-separated file extensions to convert; empty for all (default: "
                          "those the pipeline's readers declare, see `bulletin plugins NAME`)");
    batch->add_flag("--follow-symlinks", batch_options.follow_symlinks,
                    "Follow symbolic links that leave the input directory, and links to "
                    "directories (by default they are skipped with a warning)");
    batch->add_option("--set", batch_options.sets,
                      "Override a parameter: STAGE.PARAM=VALUE (repeatable)");
    batch
        ->add_option("--max-input-size", batch_options.max_input_bytes,
                     "Refuse inputs larger than this (bytes)")
        ->capture_default_str()
        ->check(whole_number_of_bytes);

    auto* eval = app.add_subcommand(
        "eval", "Score a pipeline against hand-checked gold files (NAME.gold.json)");
    EvalOptions eval_options;
    std::vector<std::string> eval_inputs;
    eval->add_option("pipeline", eval_options.pipeline_file, "Pipeline XML file")->required();
    eval->add_option("inputs", eval_inputs,
                     "Input files or directories (those with a gold file are scored)")
        ->required();
    eval->add_option("--gold", eval_options.gold_dir,
                     "Directory of NAME.gold.json files (default: beside each input)");
    eval->add_flag("--json", eval_options.json, "Print the scores as JSON");
    eval->add_option("--min-structure", eval_options.min_structure,
                     "Exit 1 when the overall structure score is lower")
        ->capture_default_str();
    eval->add_option("--min-entities", eval_options.min_entities,
                     "Exit 1 when the overall entity score is lower")
        ->capture_default_str();
    eval->add_option("--set", eval_options.sets,
                     "Override a parameter: STAGE.PARAM=VALUE (repeatable)");

    // Hidden: the worker process behind `batch --isolate`.
    auto* worker = app.add_subcommand("_worker", "");
    worker->group("");
    WorkerOptions worker_options;
    worker->add_option("pipeline", worker_options.pipeline_file)->required();
    worker->add_option("--input-root", worker_options.input_root)->required();
    worker->add_option("-o", worker_options.output_root)->required();
    worker->add_option("--set", worker_options.sets);
    worker->add_option("--max-input-size", worker_options.max_input_bytes)
        ->check(whole_number_of_bytes);
    worker->add_option("--parent-pid", worker_options.parent_pid)->required();
    worker->add_option("--state", worker_options.state_file);
    worker->add_option("--shard-suffix", worker_options.shard);

    // Hidden: the plugin scanner (scanner.hpp), which loads modules so the command does not.
    auto* scan = app.add_subcommand("_scan-modules", "");
    scan->group("");
    pid_t scan_parent = 0;
    scan->add_option("--parent-pid", scan_parent)->required();

    auto* plugins = app.add_subcommand("plugins", "List modules and plugins, or show one plugin");
    std::string plugin_name;
    plugins->add_option("name", plugin_name, "Show this plugin's kind, module and parameters");
    bool plugins_json = false;
    plugins->add_flag("--json", plugins_json,
                      "Every module and plugin with its parameters as JSON "
                      "(docs/schema/plugins.schema.json)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    if (*batch) {
        // Before anything slow (loading plugins): a SIGTERM in the first milliseconds of a batch
        // stops it as cleanly as a later one (exit code 3).
        std::signal(SIGINT, on_stop_signal);
        std::signal(SIGTERM, on_stop_signal);
        std::signal(SIGPIPE, SIG_IGN); // a dead worker must not kill the batch
    }

    auto level = global.quiet          ? spdlog::level::err
                 : global.verbose >= 2 ? spdlog::level::trace
                 : global.verbose == 1 ? spdlog::level::debug
                                       : spdlog::level::info;
    configure_logging(level, global.log_format == "json" ? LogFormat::Json : LogFormat::Text);

    if (*scan) return run_scanner(scan_parent);

    try {
        Registry registry = make_registry(global, !(*plugins && plugin_name.empty()));
        if (*run)
            return run_pipeline(registry, pipeline_file, inputs, output, sets, max_input_bytes);
        if (*validate) return validate_pipeline(registry, validate_file, validate_sets);
        if (*plugins && plugins_json) {
            std::cout << describe_registry(registry).dump(2, ' ', false,
                                                          nlohmann::json::error_handler_t::replace)
                      << "\n";
            return registry.errors().empty() ? 0 : 1;
        }
        if (*plugins)
            return plugin_name.empty() ? list_plugins(registry)
                                       : show_plugin(registry, plugin_name);
        if (*eval) {
            eval_options.inputs.assign(eval_inputs.begin(), eval_inputs.end());
            return run_eval(registry, eval_options);
        }
        if (*worker) return run_worker(registry, worker_options);
        if (*batch) {
            auto shard = parse_shard(batch_shard);
            if (!shard) {
                spdlog::error("--shard '{}': expected K/N with 1 <= K <= N", batch_shard);
                return kExitConfigError;
            }
            if (batch->count("--timeout") > 0 && !batch_options.isolate) {
                spdlog::error("--timeout needs --isolate: a document converted in the batch "
                              "process cannot be stopped; add --isolate (plugins then run in "
                              "worker processes that are killed after --timeout seconds)");
                return kExitConfigError;
            }
            batch_options.shard = *shard;
            if (extensions_option->count() > 0) {
                batch_options.extensions = parse_list_param(extensions);
                for (auto& e : *batch_options.extensions)
                    if (e.starts_with('.')) e.erase(0, 1);
            }
            batch_options.plugin_dirs = global.plugin_dirs;
            batch_options.cancel = &g_cancel;
            const bool json = global.log_format == "json";
            batch_options.progress_bar = !json && !global.quiet && ::isatty(2) == 1;
            if (json) batch_options.worker_log_args = {"--log-format", "json"};
            if (global.quiet) batch_options.worker_log_args.push_back("-q");
            for (int i = 0; i < global.verbose; ++i)
                batch_options.worker_log_args.push_back("-v");
            if (!log_file.empty()) {
                try {
                    check_not_redirected(log_file, batch_options.output_root, "--log-file");
                    add_log_file(log_file, json ? LogFormat::Json : LogFormat::Text);
                } catch (const std::exception& e) {
                    spdlog::error("cannot open the log file {}: {}", log_file, e.what());
                    return kExitConfigError;
                }
            }
            return run_batch(registry, batch_options);
        }
    } catch (const std::exception& e) {
        if (*batch) {
            spdlog::error("{}", e.what());
            return kExitConfigError;
        }
        std::cerr << "bulletin: " << e.what() << "\n";
        return 2;
    }
    return 2;
}

} // namespace bulletin::host
