// tfscope serve: TensorFlow Serving's gRPC and REST APIs over model base paths (docs/serve.md).
//   tfscope serve --model_name NAME --model_base_path BASE [--port 8500] [--rest_api_port 8501]
//                 [--rest_api_host 127.0.0.1] [--grpc_host 127.0.0.1] [--model_config_file F]
//                 [--file_system_poll_wait_seconds 1] [--rest_api_num_threads N] [--grpc_max_threads N]
//                 [--rest_api_timeout_in_ms 30000] [--max_request_bytes B] [--tensorflow_intra_op_parallelism N]
//                 [--verbose]
// Flags follow tensorflow_model_server's names; the defaults differ where the issue asks for a
// laptop-safe server: both APIs bind to loopback, REST is on 8501 unless --rest_api_port 0.
// SIGINT/SIGTERM stop accepting, let in-flight requests finish, and exit 0.
#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/cli.h"
#include "app/serve/grpc_services.h"
#include "app/serve/model_config_file.h"
#include "model/serve/rest_api.h"
#include "model/serve/servable_manager.h"

namespace tfscope::cli {
namespace {

struct ServeOptions {
    int port = 8500;
    int restPort = 8501;
    std::string restHost = "127.0.0.1";
    std::string grpcHost = "127.0.0.1";
    std::string modelName = "default";
    std::string modelBasePath;
    std::string modelConfigFile;
    int pollSeconds = 1;
    int restThreads = 0;
    int grpcThreads = 0;
    int restTimeoutMs = 30000;
    uint64_t maxRequestBytes = uint64_t(64) << 20;
    int intraOpThreads = 0;
    bool verbose = false;
};

std::mutex g_logMutex;
void logLine(const std::string& line) {
    std::lock_guard<std::mutex> lock(g_logMutex);
    std::cerr << "tfscope serve: " << line << "\n";
}

int defaultThreads() { return int(std::max(4u, 2 * std::thread::hardware_concurrency())); }
// cpp-httplib keeps a worker on a keep-alive connection until it idles out: enough workers for a
// few dozen concurrent clients, whatever the core count (they mostly wait on the model's Session).
int defaultRestThreads() { return int(std::max(32u, 4 * std::thread::hardware_concurrency())); }

int runServe(const ServeOptions& o) {
    // Signals are taken by sigtimedwait() in this thread only: block them before any thread starts.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a client that goes away must not end the server

    std::vector<serve::ServedModelConfig> configs;
    if (!o.modelConfigFile.empty()) {
        if (!o.modelBasePath.empty()) return fail("Give either --model_config_file or --model_base_path, not both.");
        auto c = serve::readModelConfigFile(o.modelConfigFile);
        if (!c.ok()) return fail(c.status().message());
        configs = std::move(c).value();
    } else {
        if (o.modelBasePath.empty()) return fail("Give --model_base_path (with --model_name) or --model_config_file.");
        serve::ServedModelConfig c;
        c.name = o.modelName;
        c.basePath = o.modelBasePath;
        configs.push_back(std::move(c));
    }
    serve::RequestLimits limits;
    limits.maxBodyBytes = size_t(o.maxRequestBytes);
    limits.maxTensorBytes = std::max(limits.maxTensorBytes, size_t(o.maxRequestBytes));

    exec::SessionOptions so;
    so.numThreads = o.intraOpThreads;
    serve::ServableManager manager(serve::defaultLoader(so));
    manager.setLogger(logLine);
    if (Status st = manager.setConfig(configs); !st.ok()) return fail(st.message());

    std::function<void(const std::string&)> requestLog;
    if (o.verbose) requestLog = logLine;

    // gRPC
    serve::GrpcServices services(manager, limits, requestLog);
    grpc::ServerBuilder builder;
    int grpcPort = 0;
    builder.AddListeningPort(o.grpcHost + ":" + std::to_string(o.port), grpc::InsecureServerCredentials(), &grpcPort);
    builder.RegisterService(services.prediction());
    builder.RegisterService(services.model());
    builder.SetMaxReceiveMessageSize(int(std::min<uint64_t>(o.maxRequestBytes, INT32_MAX)));
    builder.SetMaxSendMessageSize(INT32_MAX);
    grpc::ResourceQuota quota("tfscope_serve");
    // gRPC's synchronous server answers RESOURCE_EXHAUSTED when it has no thread left for a call
    // (it does not queue), so its bound is set well above the REST pool's.
    quota.SetMaxThreads(o.grpcThreads > 0 ? o.grpcThreads : 4 * defaultThreads() + 64);
    builder.SetResourceQuota(quota);
    std::unique_ptr<grpc::Server> grpcServer = builder.BuildAndStart();
    if (!grpcServer || grpcPort == 0) return fail("Cannot listen for gRPC on " + o.grpcHost + ":" + std::to_string(o.port) + ".");

    // REST
    httplib::Server http;
    std::thread httpThread;
    if (o.restPort > 0) {
        const int threads = o.restThreads > 0 ? o.restThreads : defaultRestThreads();
        http.new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
        http.set_payload_max_length(limits.maxBodyBytes);
        // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds
        // the second one back until the client's delayed ACK (about 40 ms per request).
        http.set_tcp_nodelay(true);
        http.set_keep_alive_max_count(1000);
        http.set_read_timeout(o.restTimeoutMs / 1000, (o.restTimeoutMs % 1000) * 1000);
        http.set_write_timeout(o.restTimeoutMs / 1000, (o.restTimeoutMs % 1000) * 1000);
        auto handler = [&manager, &limits, &requestLog](const httplib::Request& req, httplib::Response& res) {
            auto start = std::chrono::steady_clock::now();
            serve::RestResponse r = serve::handleRest(manager, req.method, req.path, req.body, limits);
            res.status = r.status;
            res.set_content(r.body, "application/json");
            if (requestLog) {
                double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.2f", ms);
                requestLog("REST " + req.method + " " + req.path + " " + std::to_string(r.status) + " " + buf + " ms");
            }
        };
        http.Get(".*", handler);
        http.Post(".*", handler);
        // Errors the library answers itself (413 body too large, 400 bad request line, 404 method).
        http.set_error_handler([&limits, &requestLog](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) return;
            std::string msg = res.status == 413 ? "Request body is above the limit of " + std::to_string(limits.maxBodyBytes) + " bytes."
                                                : "Malformed request: " + req.method + " " + req.path;
            res.set_content(nlohmann::json{{"error", msg}}.dump(), "application/json");
            if (requestLog) requestLog("REST " + req.method + " " + req.path + " " + std::to_string(res.status) + " " + msg);
        });
        if (!http.bind_to_port(o.restHost, o.restPort)) {
            grpcServer->Shutdown();
            return fail("Cannot listen for REST on " + o.restHost + ":" + std::to_string(o.restPort) + ".");
        }
        httpThread = std::thread([&http] { http.listen_after_bind(); });
    }

    logLine("gRPC on " + o.grpcHost + ":" + std::to_string(grpcPort) +
            (o.restPort > 0 ? ", REST on " + o.restHost + ":" + std::to_string(o.restPort) : std::string(", REST disabled")) +
            "; models:\n" + manager.describe() + "tfscope serve: ready");

    // Poll the base paths until SIGINT/SIGTERM (0: polled once at start only; negative: never).
    int signal = 0;
    for (;;) {
        timespec wait{};
        wait.tv_sec = o.pollSeconds > 0 ? o.pollSeconds : 3600;
        siginfo_t info;
        int s = sigtimedwait(&stopSignals, &info, &wait);
        if (s > 0) {
            signal = s;
            break;
        }
        if (o.pollSeconds > 0) manager.pollOnce();
    }
    logLine(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ": finishing in-flight requests");
    if (httpThread.joinable()) {
        http.stop();
        httpThread.join();
    }
    grpcServer->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpcServer->Wait();
    logLine("stopped");
    return kExitOk;
}

}  // namespace

void registerServe(CLI::App& app, std::vector<Command>& out) {
    auto o = std::make_shared<ServeOptions>();
    auto* sub = app.add_subcommand("serve", "Serve models with TensorFlow Serving's gRPC and REST APIs (like tensorflow_model_server).");
    sub->add_option("--port", o->port, "gRPC port")->capture_default_str();
    sub->add_option("--grpc_host", o->grpcHost, "Address the gRPC API binds to")->capture_default_str();
    sub->add_option("--rest_api_port", o->restPort, "REST port (0 disables the REST API)")->capture_default_str();
    sub->add_option("--rest_api_host", o->restHost, "Address the REST API binds to")->capture_default_str();
    sub->add_option("--model_name", o->modelName, "Name of the model (with --model_base_path)")->capture_default_str();
    sub->add_option("--model_base_path", o->modelBasePath, "Folder holding numeric version folders");
    sub->add_option("--model_config_file", o->modelConfigFile, "Text-format ModelServerConfig (several models, version policies, labels)");
    sub->add_option("--file_system_poll_wait_seconds", o->pollSeconds,
                    "Seconds between scans of the base paths (0: only at start)")->capture_default_str();
    sub->add_option("--rest_api_num_threads", o->restThreads, "REST worker threads, one per open connection (0: 4 x cores, at least 32)")->capture_default_str();
    sub->add_option("--grpc_max_threads", o->grpcThreads, "gRPC threads at most; calls past it get RESOURCE_EXHAUSTED (0: 8 x cores + 64, at least 80)")->capture_default_str();
    sub->add_option("--rest_api_timeout_in_ms", o->restTimeoutMs, "REST read/write timeout")->capture_default_str();
    sub->add_option("--max_request_bytes", o->maxRequestBytes, "Largest request body (REST) or message (gRPC)")->capture_default_str();
    sub->add_option("--tensorflow_intra_op_parallelism", o->intraOpThreads, "Threads inside one op (0: all cores)")->capture_default_str();
    sub->add_flag("--verbose", o->verbose, "A line per request on stderr");
    out.push_back({sub, [o] { return runServe(*o); }});
}

}  // namespace tfscope::cli
