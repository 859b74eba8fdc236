// tfscope run: runs a SignatureDef natively, like `saved_model_cli run`:
//   tfscope run PATH --tag_set serve --signature_def K [--inputs 'x=in.npy;y=in.npz[arr]']
//               [--input_exprs 'x=[[1,2]]'] [--input_examples 'inputs=[{"x":[1.0]}]']
//               [--outdir D [--overwrite]] [--json] [--memory_limit BYTES] [--threads N]
// Prints "Result for output key K:" and the value numpy-style for each output (sorted by key);
// with --outdir also writes K.npy. --json prints one document (docs/cli-json.md).
#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli.h"
#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/io/input_args.h"
#include "model/io/npy.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

namespace tfscope::cli {
namespace {

struct RunOptions {
    std::string path;
    std::string tagSet = "serve";
    std::string signature = "serving_default";
    std::string inputs, exprs, examples, outdir;
    bool overwrite = false;
    bool json = false;
    uint64_t memoryLimit = 0;
    int threads = 0;
};

// Shortest text that reads back as the same value (float32 values as float32, like numpy).
std::string shortest(double v, DType dtype) {
    char buf[64];
    std::to_chars_result r = dtype == DType::Float || dtype == DType::Half || dtype == DType::BFloat16
                                 ? std::to_chars(buf, buf + sizeof buf, float(v))
                                 : std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// numpy's str() of one element, before column padding.
std::string elementText(const Tensor& t, int64_t i) {
    switch (t.dtype()) {
    case DType::Bool: return t.data<bool>()[i] ? "True" : "False";
    case DType::String: {
        std::string s = "b'";
        for (unsigned char c : t.strings()[size_t(i)]) {
            if (c == '\'' || c == '\\') { s += '\\'; s += char(c); }
            else if (c >= 32 && c < 127) s += char(c);
            else if (c == '\n') s += "\\n";
            else { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); s += b; }
        }
        return s + "'";
    }
    case DType::Int64: return std::to_string(t.data<int64_t>()[i]);
    case DType::UInt64: return std::to_string(t.data<uint64_t>()[i]);
    default: break;
    }
    double v = t.elementAsDouble(i);
    if (!isFloating(t.dtype())) return std::to_string(int64_t(v));
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    std::string s = shortest(v, t.dtype());
    if (s.find('e') != std::string::npos) {
        // Fixed notation for moderate magnitudes, as numpy does.
        double a = std::abs(v);
        if (a >= 1e-4 && a < 1e16) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.10f", v);
            s = buf;
            while (!s.empty() && s.back() == '0') s.pop_back();
        }
    }
    if (s.find_first_of(".en") == std::string::npos) s += ".";
    return s;
}

std::string formatTensor(const Tensor& t) {
    const int64_t n = t.numElements();
    std::vector<std::string> items(static_cast<size_t>(n));
    size_t intW = 0, fracW = 0, width = 0;
    bool floating = isFloating(t.dtype());
    for (int64_t i = 0; i < n; ++i) {
        items[size_t(i)] = elementText(t, i);
        const std::string& s = items[size_t(i)];
        size_t dot = s.find('.');
        if (floating && dot != std::string::npos && s.find('e') == std::string::npos) {
            intW = std::max(intW, dot);
            fracW = std::max(fracW, s.size() - dot);
        }
        width = std::max(width, s.size());
    }
    for (auto& s : items) {
        size_t dot = s.find('.');
        if (floating && dot != std::string::npos && s.find('e') == std::string::npos) {
            s = std::string(intW - dot, ' ') + s + std::string(fracW - (s.size() - dot), ' ');
        } else if (t.dtype() != DType::String) {
            size_t w = floating ? std::max(width, intW + fracW) : width;
            if (s.size() < w) s = std::string(w - s.size(), ' ') + s;
        }
    }
    if (t.rank() == 0) return n ? items[0] : "";
    std::ostringstream out;
    int64_t pos = 0;
    const Shape& shape = t.shape();
    std::function<void(int, int)> rec = [&](int dim, int indent) {
        out << '[';
        for (int64_t k = 0; k < shape[size_t(dim)]; ++k) {
            if (dim + 1 == int(shape.size())) {
                if (k) out << ' ';
                out << items[size_t(pos++)];
            } else {
                if (k) out << std::string(size_t(int(shape.size()) - dim - 1), '\n') << std::string(size_t(indent + 1), ' ');
                rec(dim + 1, indent + 1);
            }
        }
        out << ']';
    };
    rec(0, 0);
    return out.str();
}

nlohmann::ordered_json jsonValue(const Tensor& t, int64_t i) {
    switch (t.dtype()) {
    case DType::Bool: return t.data<bool>()[i];
    case DType::String: return t.strings()[size_t(i)];
    case DType::Int64: return t.data<int64_t>()[i];
    case DType::UInt64: return t.data<uint64_t>()[i];
    default: break;
    }
    double v = t.elementAsDouble(i);
    if (!isFloating(t.dtype())) return int64_t(v);
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

nlohmann::ordered_json jsonNested(const Tensor& t, size_t dim, int64_t& pos) {
    if (dim == t.shape().size()) return jsonValue(t, pos++);
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (int64_t k = 0; k < t.shape()[dim]; ++k) arr.push_back(jsonNested(t, dim + 1, pos));
    return arr;
}

bool validUtf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
        i += n;
    }
    return true;
}

std::string base64(const std::string& s) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < s.size(); i += 3) {
        uint32_t v = uint32_t(uint8_t(s[i])) << 16 | uint32_t(uint8_t(s[i + 1])) << 8 | uint8_t(s[i + 2]);
        for (int sh : {18, 12, 6, 0}) out += k[(v >> sh) & 63];
    }
    if (i < s.size()) {
        uint32_t v = uint32_t(uint8_t(s[i])) << 16 | (i + 1 < s.size() ? uint32_t(uint8_t(s[i + 1])) << 8 : 0);
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += i + 1 < s.size() ? k[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

nlohmann::ordered_json jsonTensor(const Tensor& t) {
    nlohmann::ordered_json j;
    j["dtype"] = dtypeEnumName(t.dtype());
    j["shape"] = t.shape();
    int64_t pos = 0;
    nlohmann::ordered_json v = jsonNested(t, 0, pos);
    if (t.dtype() == DType::String) {
        std::function<void(nlohmann::ordered_json&)> fix = [&](nlohmann::ordered_json& x) {
            if (x.is_array()) { for (auto& e : x) fix(e); return; }
            std::string s = x.get<std::string>();
            if (!validUtf8(s)) x = nlohmann::ordered_json{{"base64", base64(s)}};
        };
        fix(v);
    }
    j["value"] = v;
    return j;
}

std::vector<std::string> splitTags(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

int runRun(const RunOptions& o) {
    auto model = ModelLoader::load(o.path);
    if (!model.ok()) return fail(model.status().message());
    exec::SessionOptions so;
    so.memoryLimitBytes = o.memoryLimit;
    so.numThreads = o.threads;
    auto session = exec::openModelSession(model.value(), splitTags(o.tagSet), so);
    if (!session.ok()) return fail(session.status().message());
    auto specs = session.value()->signatureInputs(o.signature);
    if (!specs.ok()) return fail(specs.status().message());
    std::map<std::string, DType> want;
    for (const auto& [k, spec] : specs.value()) want[k] = spec.dtype;
    auto inputs = io::parseRunInputs(o.inputs, o.exprs, o.examples, want);
    if (!inputs.ok()) return fail(inputs.status().message());
    auto outputs = session.value()->runSignature(o.signature, inputs.value());
    if (!outputs.ok()) return fail(outputs.status().message());

    nlohmann::ordered_json doc;
    if (o.json) {
        doc["path"] = model.value()->rootPath();
        doc["tag_set"] = splitTags(o.tagSet);
        doc["signature_def"] = o.signature;
        doc["outputs"] = nlohmann::ordered_json::object();
    }
    for (const auto& [key, t] : outputs.value()) {
        if (o.json) doc["outputs"][key] = jsonTensor(t);
        else std::cout << "Result for output key " << key << ":\n" << formatTensor(t) << "\n";
        if (o.outdir.empty()) continue;
        std::error_code ec;
        std::filesystem::create_directories(o.outdir, ec);
        std::string file = (std::filesystem::path(o.outdir) / (key + ".npy")).string();
        if (!o.overwrite && std::filesystem::exists(file, ec))
            return fail("Output file '" + file + "' already exists. Add --overwrite to overwrite the existing output files.");
        Status st = io::writeNpy(file, t);
        if (!st.ok()) return fail(st.message());
        if (o.json) doc["outputs"][key]["file"] = file;
        else std::cout << "Output " << key << " is saved to " << file << "\n";
    }
    if (o.json) std::cout << doc.dump(2) << "\n";
    return kExitOk;
}

}  // namespace

void registerRun(CLI::App& app, std::vector<Command>& out) {
    auto opts = std::make_shared<RunOptions>();
    auto* sub = app.add_subcommand("run", "Run a SignatureDef natively (like saved_model_cli run).");
    sub->add_option("path", opts->path, "SavedModel folder, TF Serving base folder, GraphDef or MetaGraph")->required();
    sub->add_option("--tag_set", opts->tagSet, "Comma-separated tags of the MetaGraphDef")->capture_default_str();
    sub->add_option("--signature_def", opts->signature, "Signature key")->capture_default_str();
    sub->add_option("--inputs", opts->inputs, "'x=file.npy;y=file.npz[name]'");
    sub->add_option("--input_exprs", opts->exprs, "'x=[[1,2],[3,4]]' (literals, never evaluated)");
    sub->add_option("--input_examples", opts->examples, "'inputs=[{\"x\":[1.0]}]' (serialized tf.Example)");
    sub->add_option("--outdir", opts->outdir, "Write each output as <key>.npy here");
    sub->add_flag("--overwrite", opts->overwrite, "Overwrite existing .npy files in --outdir");
    sub->add_flag("--json", opts->json, "Print one JSON document");
    sub->add_option("--memory_limit", opts->memoryLimit, "Fail cleanly above this many bytes of live tensors (0 = none)");
    sub->add_option("--threads", opts->threads, "Intra-op threads (0 = all cores)");
    out.push_back({sub, [opts] { return runRun(*opts); }});
}

}  // namespace tfscope::cli
