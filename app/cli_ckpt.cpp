// tfscope ckpt PATH [--tensor_name N | --all_tensor_names | --all_tensors] [--verify] [--json]
//                    [--printoptions threshold=10,linewidth=120]
// Prints a checkpoint like TensorFlow's inspect_checkpoint (python -m
// tensorflow.python.tools.inspect_checkpoint), or as JSON (docs/cli-json.md).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli.h"
#include "model/checkpoint/bundle_reader.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/checkpoint/v1_reader.h"
#include "model/format/numpy_format.h"
#include "model/format/tensor_json.h"

namespace tfscope::cli {

namespace {

struct CkptArgs {
    std::string path;
    std::string tensorName;
    bool allTensorNames = false;
    bool allTensors = false;
    bool verify = false;
    bool json = false;
    std::string printOptions;  // "threshold=10,linewidth=120", as inspect_checkpoint --printoptions
};

// numpy.set_printoptions keys inspect_checkpoint passes through; integers only.
Result<NumpyPrintOptions> parsePrintOptions(const std::string& text) {
    NumpyPrintOptions o;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        const std::string key = item.substr(0, eq);
        const std::string value = eq == std::string::npos ? std::string() : item.substr(eq + 1);
        int64_t v = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (eq == std::string::npos || ec != std::errc() || end != value.data() + value.size() || v < 0)
            return Status::invalidArgument("Print option '" + item + "' is not 'name=non-negative integer'.");
        if (key == "threshold") o.threshold = v;
        else if (key == "linewidth") o.lineWidth = int(std::min<int64_t>(v, 1 << 20));
        else if (key == "edgeitems") o.edgeItems = int(std::min<int64_t>(v, 1 << 20));
        else if (key == "precision") o.precision = int(std::min<int64_t>(v, 17));
        else
            return Status::invalidArgument("Unknown print option '" + key +
                                           "' (threshold, linewidth, edgeitems and precision are supported).");
    }
    return o;
}

// Python's str() of a list of ints: "[]", "[784, 128]".
std::string pyShape(const Shape& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

// TF's TensorShape::DebugString: "[]", "[784,128]", "<unknown>".
std::string tfShape(const Shape& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
    return out + "]";
}

// Python's bytes.decode("utf-8", errors="ignore"): drops every byte of an invalid sequence.
std::string utf8Ignore(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (len == 0 || i + len > s.size() || !isValidUtf8(s.substr(i, len))) {
            ++i;
            continue;
        }
        out += s.substr(i, len);
        i += len;
    }
    return out;
}

int64_t paramCount(const CheckpointEntry& e) {
    int64_t n = shapeNumElements(e.shape);
    return n < 0 ? 0 : n;
}

// The no-flag listing: TF's reader debug_string().
std::string debugListing(const CheckpointReader& r) {
    std::string out;
    auto line = [&](const std::string& key, DType d, const Shape& s) {
        out += key + " (" + dtypeEnumName(d) + ") " + tfShape(s) + "\n";
    };
    if (auto* v2 = dynamic_cast<const BundleReader*>(&r)) {
        // The bundle lists raw index keys: slices of partitioned variables under their encoded
        // keys, and not the partitioned variables themselves. Slice keys (0x00…) sort first.
        for (const auto& [key, e] : v2->sliceEntries()) line(key, e.dtype, e.shape);
        for (const CheckpointEntry& e : r.entries())
            if (e.slices.empty()) line(e.key, e.dtype, e.shape);
    } else if (auto* v1 = dynamic_cast<const V1Reader*>(&r)) {
        // TF walks an unordered_map; with libstdc++ that is reverse insertion (meta) order.
        for (auto it = v1->metaOrder().rbegin(); it != v1->metaOrder().rend(); ++it) {
            const CheckpointEntry* e = r.find(*it);
            if (e) line(e->key, e->dtype, e->shape);
        }
    }
    return utf8Ignore(out);
}

int runCkpt(const CkptArgs& a) {
    auto printOptions = parsePrintOptions(a.printOptions);
    if (!printOptions.ok()) {
        std::cerr << "tfscope: " << printOptions.status().message() << "\n";
        return kExitUsage;
    }
    auto opened = CheckpointReader::open(a.path);
    if (!opened.ok()) return fail(opened.status().message());
    const CheckpointReader& r = **opened;
    int exitCode = kExitOk;

    std::vector<const CheckpointEntry*> selected;
    if (!a.tensorName.empty() && !a.allTensors && !a.allTensorNames) {
        const CheckpointEntry* e = r.find(a.tensorName);
        if (!e) return fail("Tensor '" + a.tensorName + "' not found in checkpoint '" + r.prefix() + "'.");
        selected.push_back(e);
    } else {
        for (const CheckpointEntry& e : r.entries()) selected.push_back(&e);
    }
    const bool withValues = a.allTensors || !a.tensorName.empty();
    const bool listing = a.allTensors || a.allTensorNames || !a.tensorName.empty();
    int64_t total = 0;
    for (const CheckpointEntry& e : r.entries()) total += paramCount(e);

    std::vector<Status> bad;
    if (a.verify) bad = r.verifyAll();
    if (!bad.empty()) exitCode = kExitBadInput;

    if (a.json) {
        nlohmann::ordered_json doc;
        doc["path"] = std::filesystem::absolute(r.prefix()).lexically_normal().string();
        doc["format"] = r.format() == CheckpointFormat::V2Bundle ? "V2" : "V1";
        doc["num_shards"] = r.numShards();
        nlohmann::ordered_json tensors = nlohmann::ordered_json::array();
        int64_t listedTotal = 0;
        for (const CheckpointEntry* e : selected) {
            nlohmann::ordered_json t;
            t["name"] = isValidUtf8(e->key) ? nlohmann::ordered_json(e->key)
                                            : nlohmann::ordered_json{{"base64", base64Encode(e->key)}};
            t["dtype"] = dtypeEnumName(e->dtype);
            t["shape"] = shapeToJson(e->shape);
            if (withValues) {
                auto v = r.read(e->key);
                if (v.ok()) {
                    t["value"] = tensorValueToJson(*v);
                } else {
                    t["error"] = v.status().message();
                    exitCode = kExitBadInput;
                }
            }
            listedTotal += paramCount(*e);
            tensors.push_back(std::move(t));
        }
        doc["tensors"] = std::move(tensors);
        doc["total_params"] = listing && !(a.allTensors || a.allTensorNames) ? listedTotal : total;
        if (a.verify) {
            nlohmann::ordered_json errors = nlohmann::ordered_json::array();
            for (const Status& s : bad) errors.push_back(s.message());
            doc["verify"] = {{"ok", bad.empty()}, {"errors", errors}};
        }
        std::cout << doc.dump(2) << "\n";
        return exitCode;
    }

    if (listing) {
        for (const CheckpointEntry* e : selected) {
            std::cout << "tensor: " << e->key << " (" << dtypeShortName(e->dtype) << ") " << pyShape(e->shape) << "\n";
            if (!withValues) continue;
            auto v = r.read(e->key);
            if (v.ok()) {
                std::cout << formatNumpy(*v, *printOptions) << "\n";
            } else if (v.status().code() == Status::Code::Unimplemented) {
                std::cout << "<not convertible to a numpy dtype>\n";
            } else {
                std::cout.flush();
                fail(v.status().message());
                exitCode = kExitBadInput;
            }
        }
    } else if (!a.verify) {
        std::cout << debugListing(r) << "\n";
    }
    if (listing || !a.verify) std::cout << "# Total number of params: " << total << "\n";
    if (a.verify) {
        std::cout.flush();
        for (const Status& s : bad) fail(s.message());
        if (bad.empty())
            std::cout << "Verified " << r.entries().size() << " tensors: all checksums match.\n";
        else
            std::cerr << "tfscope: " << bad.size() << " tensor(s) failed verification.\n";
    }
    return exitCode;
}

}  // namespace

void registerCkpt(CLI::App& app, std::vector<Command>& out) {
    auto args = std::make_shared<CkptArgs>();
    auto* sub = app.add_subcommand("ckpt", "Print a checkpoint's tensors like TensorFlow's inspect_checkpoint.");
    sub->add_option("path", args->path,
                    "Checkpoint prefix, .index or .data file, V1 file, SavedModel folder, or a folder with a "
                    "'checkpoint' state file")
        ->required();
    sub->add_option("--tensor_name,--tensor-name", args->tensorName, "Print this tensor's value");
    sub->add_flag("--all_tensor_names,--all-tensor-names", args->allTensorNames, "List every tensor's name, dtype and shape");
    sub->add_flag("--all_tensors,--all-tensors", args->allTensors, "List every tensor with its value");
    sub->add_flag("--verify", args->verify, "Check every tensor's checksum; exit 1 if any is bad");
    sub->add_flag("--json", args->json, "Print one JSON document (docs/cli-json.md)");
    sub->add_option("--printoptions", args->printOptions,
                    "numpy print options for values, e.g. 'threshold=10,linewidth=120' (threshold, linewidth, "
                    "edgeitems, precision)");
    out.push_back({sub, [args] { return runCkpt(*args); }});
}

}  // namespace tfscope::cli
