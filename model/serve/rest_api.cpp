#include "model/serve/rest_api.h"

#include <charconv>
#include <optional>

#include <google/protobuf/util/json_util.h>

#include "meta_graph.pb.h"
#include "model/format/tensor_json.h"
#include "model/serve/inference.h"

namespace tfscope::serve {

using nlohmann::ordered_json;

int tfErrorCode(Status::Code code) {
    switch (code) {
    case Status::Code::Ok: return 0;
    case Status::Code::Cancelled: return 1;
    case Status::Code::InvalidArgument: return 3;
    case Status::Code::NotFound: return 5;
    case Status::Code::ResourceExhausted: return 8;
    case Status::Code::FailedPrecondition: return 9;
    case Status::Code::Unimplemented: return 12;
    case Status::Code::Internal: return 13;
    case Status::Code::Corruption: return 15;  // DATA_LOSS
    case Status::Code::IOError: return 2;      // UNKNOWN
    }
    return 2;
}

const char* tfErrorCodeName(Status::Code code) {
    switch (tfErrorCode(code)) {
    case 0: return "OK";
    case 1: return "CANCELLED";
    case 3: return "INVALID_ARGUMENT";
    case 5: return "NOT_FOUND";
    case 8: return "RESOURCE_EXHAUSTED";
    case 9: return "FAILED_PRECONDITION";
    case 12: return "UNIMPLEMENTED";
    case 13: return "INTERNAL";
    case 15: return "DATA_LOSS";
    default: return "UNKNOWN";
    }
}

int httpStatusFor(Status::Code code) {
    switch (code) {
    case Status::Code::Ok: return 200;
    case Status::Code::InvalidArgument:
    case Status::Code::FailedPrecondition:
    case Status::Code::ResourceExhausted: return 400;
    case Status::Code::NotFound: return 404;
    case Status::Code::Unimplemented: return 501;
    case Status::Code::Cancelled: return 503;
    default: return 500;
    }
}

RestResponse errorResponse(const Status& status) {
    ordered_json j;
    j["error"] = status.message();
    return {httpStatusFor(status.code()), j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

namespace {

struct Route {
    std::string model;
    std::optional<int64_t> version;
    std::string label;
    std::string tail;  // "", "/metadata", ":predict", ":classify", ":regress"
};

std::optional<Route> parsePath(std::string_view path) {
    constexpr std::string_view kPrefix = "/v1/models/";
    if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    path.remove_prefix(kPrefix.size());
    Route r;
    size_t end = path.find_first_of("/:");
    r.model = std::string(path.substr(0, end));
    if (r.model.empty()) return std::nullopt;
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
    auto takeSegment = [&](std::string_view prefix, std::string& out) {
        if (path.substr(0, prefix.size()) != prefix) return false;
        path.remove_prefix(prefix.size());
        size_t e = path.find_first_of("/:");
        out = std::string(path.substr(0, e));
        path = e == std::string_view::npos ? std::string_view() : path.substr(e);
        return !out.empty();
    };
    std::string seg;
    if (takeSegment("/versions/", seg)) {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(seg.data(), seg.data() + seg.size(), v);
        if (ec != std::errc() || p != seg.data() + seg.size()) return std::nullopt;
        r.version = v;
    } else if (takeSegment("/labels/", seg)) {
        r.label = seg;
    }
    r.tail = std::string(path);
    return r;
}

ordered_json modelSpecJson(const Route& r, int64_t version, const std::string& signature) {
    ordered_json j;
    j["name"] = r.model;
    j["signature_name"] = signature;
    j["version"] = std::to_string(version);
    return j;
}

// A float32 with its shortest spelling (0.1f prints as 0.1, not 0.10000000149011612).
ordered_json floatJson(float x) { return ordered_json(tensorElementToJson(Tensor::scalar<float>(x), 0)); }

std::string signatureName(const nlohmann::json& doc) {
    auto it = doc.find("signature_name");
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::string> handleStatus(const ServableManager& m, const Route& r) {
    std::optional<int64_t> version = r.version;
    if (!r.label.empty()) {
        TFS_ASSIGN_OR_RETURN(auto v, m.acquire(r.model, std::nullopt, r.label));
        version = v->version;
    }
    TFS_ASSIGN_OR_RETURN(auto statuses, m.status(r.model, version));
    ordered_json list = ordered_json::array();
    for (const auto& s : statuses) {
        ordered_json e;
        e["version"] = std::to_string(s.version);
        e["state"] = versionStateName(s.state);
        e["status"] = {{"error_code", tfErrorCodeName(s.error.code())}, {"error_message", s.error.message()}};
        list.push_back(std::move(e));
    }
    ordered_json j;
    j["model_version_status"] = std::move(list);
    return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::string> handlePost(const ServableManager& m, const Route& r, std::string_view body, const RequestLimits& limits) {
    TFS_ASSIGN_OR_RETURN(nlohmann::json doc, parseJsonBody(body, limits));
    auto sigIt = doc.find("signature_name");
    if (sigIt != doc.end() && !sigIt->is_string()) return Status::invalidArgument("'signature_name' must be a string.");
    std::string sig = signatureName(doc);
    TFS_ASSIGN_OR_RETURN(auto v, m.acquire(r.model, r.version, r.label));
    ordered_json out;
    if (r.tail == ":predict") {
        auto key = sig.empty() ? std::string(kDefaultSignature) : sig;
        TFS_RETURN_IF_ERROR(findSignature(*v, key).status());
        TFS_ASSIGN_OR_RETURN(auto specs, v->session->signatureInputs(key));
        bool row = false;
        TFS_ASSIGN_OR_RETURN(auto inputs, predictInputsFromJson(doc, specs, limits, &row));
        TFS_ASSIGN_OR_RETURN(auto outputs, predict(*v, key, inputs, {}));
        TFS_ASSIGN_OR_RETURN(out, predictResponseJson(outputs, row));
    } else {
        TFS_ASSIGN_OR_RETURN(auto examples, examplesFromJson(doc, limits));
        ordered_json result = ordered_json::array();
        if (r.tail == ":classify") {
            TFS_ASSIGN_OR_RETURN(auto classes, classify(*v, sig, std::move(examples)));
            for (const auto& ex : classes) {
                ordered_json row = ordered_json::array();
                for (const auto& [label, score] : ex) row.push_back(ordered_json::array({ordered_json(label), floatJson(score)}));
                result.push_back(std::move(row));
            }
        } else {
            TFS_ASSIGN_OR_RETURN(auto values, regress(*v, sig, std::move(examples)));
            for (float x : values) result.push_back(floatJson(x));
        }
        out["result"] = std::move(result);
    }
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ordered_json signatureDefMapJson(const LoadedVersion& v) {
    ordered_json map = ordered_json::object();
    google::protobuf::util::JsonPrintOptions opts;
    opts.preserve_proto_field_names = true;
    opts.always_print_primitive_fields = true;
    const auto& defs = v.session->metaGraph().signature_def();
    std::vector<std::string> keys;
    for (const auto& [k, d] : defs) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
        std::string text;
        if (!google::protobuf::util::MessageToJsonString(defs.at(k), &text, opts).ok()) continue;
        map[k] = ordered_json::parse(text);
    }
    return map;
}

RestResponse handleRest(const ServableManager& manager, std::string_view method, std::string_view path, std::string_view body,
                        const RequestLimits& limits) {
    auto route = parsePath(path);
    auto malformed = [&] {
        return errorResponse(Status::notFound("Malformed request: " + std::string(method) + " " + std::string(path)));
    };
    if (!route) return malformed();
    Result<std::string> out = Status::internal("unreachable");
    if (method == "GET" && route->tail.empty()) {
        out = handleStatus(manager, *route);
    } else if (method == "GET" && route->tail == "/metadata") {
        auto v = manager.acquire(route->model, route->version, route->label);
        if (!v.ok()) return errorResponse(v.status());
        ordered_json j;
        j["model_spec"] = modelSpecJson(*route, v.value()->version, "");
        j["metadata"]["signature_def"]["signature_def"] = signatureDefMapJson(*v.value());
        out = j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else if (method == "POST" && (route->tail == ":predict" || route->tail == ":classify" || route->tail == ":regress")) {
        out = handlePost(manager, *route, body, limits);
    } else {
        return malformed();
    }
    if (!out.ok()) return errorResponse(out.status());
    return {200, std::move(out).value()};
}

}  // namespace tfscope::serve
