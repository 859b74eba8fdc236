#include "model/serve/rest_json.h"

#include <cmath>
#include <limits>
#include <algorithm>

#include "example.pb.h"
#include "feature.pb.h"
#include "model/format/tensor_json.h"
#include "model/half.h"

namespace tfscope::serve {

using nlohmann::json;

namespace {

// {"b64": "..."} (exactly that one key, a string value): a binary string element.
bool isB64Object(const json& v) {
    return v.is_object() && v.size() == 1 && v.contains("b64") && v["b64"].is_string();
}

std::string jsonKind(const json& v) {
    switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "object";
    case json::value_t::array: return "list";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    default: return "value";
    }
}

// Shape of a nested list: dims while the first element is a list.
Shape guessShape(const json& v) {
    Shape s;
    const json* cur = &v;
    while (cur->is_array()) {
        s.push_back(int64_t(cur->size()));
        if (cur->empty()) break;
        cur = &(*cur)[0];
    }
    return s;
}

// Flattens `v` (checked against `shape` from dim `d`) into `leaves`.
Status flatten(const json& v, const Shape& shape, size_t d, const std::string& what, std::vector<const json*>& leaves,
               int64_t maxElements) {
    if (d == shape.size()) {
        if (v.is_array())
            return Status::invalidArgument("Input '" + what + "': nested lists are not rectangular (a list where a value was expected at depth " +
                                           std::to_string(d) + ").");
        if (int64_t(leaves.size()) >= maxElements)
            return Status::resourceExhausted("Input '" + what + "' has more than " + std::to_string(maxElements) + " elements.");
        leaves.push_back(&v);
        return Status::OK();
    }
    if (!v.is_array() || int64_t(v.size()) != shape[d])
        return Status::invalidArgument("Input '" + what + "': nested lists are not rectangular (expected a list of " +
                                       std::to_string(shape[d]) + " at depth " + std::to_string(d) + ", got " +
                                       (v.is_array() ? "a list of " + std::to_string(v.size()) : "a " + jsonKind(v)) + ").");
    for (const json& e : v) TFS_RETURN_IF_ERROR(flatten(e, shape, d + 1, what, leaves, maxElements));
    return Status::OK();
}

DType inferDType(const std::vector<const json*>& leaves) {
    bool anyFloat = false, allBool = !leaves.empty(), anyString = false;
    for (const json* l : leaves) {
        if (l->is_string() || isB64Object(*l)) anyString = true;
        if (l->is_number_float()) anyFloat = true;
        if (!l->is_boolean()) allBool = false;
    }
    if (anyString) return DType::String;
    if (allBool) return DType::Bool;
    return anyFloat ? DType::Float : DType::Int64;
}

template <typename T>
Status fillInts(const std::vector<const json*>& leaves, T* out, const std::string& what) {
    for (size_t i = 0; i < leaves.size(); ++i) {
        const json& l = *leaves[i];
        if (l.is_number_unsigned()) {
            uint64_t u = l.get<uint64_t>();
            if (u > uint64_t(std::numeric_limits<T>::max()))
                return Status::invalidArgument("Input '" + what + "': value " + std::to_string(u) + " is out of range for " +
                                               std::string(dtypeShortName(DTypeOf<T>::value)) + ".");
            out[i] = T(u);
        } else if (l.is_number_integer()) {
            int64_t s = l.get<int64_t>();
            if constexpr (std::is_unsigned_v<T>) {
                if (s < 0)
                    return Status::invalidArgument("Input '" + what + "': value " + std::to_string(s) + " is out of range for " +
                                                   std::string(dtypeShortName(DTypeOf<T>::value)) + ".");
            } else {
                if (s < int64_t(std::numeric_limits<T>::min()) || s > int64_t(std::numeric_limits<T>::max()))
                    return Status::invalidArgument("Input '" + what + "': value " + std::to_string(s) + " is out of range for " +
                                                   std::string(dtypeShortName(DTypeOf<T>::value)) + ".");
            }
            out[i] = T(s);
        } else {
            return Status::invalidArgument("Input '" + what + "' expects " + std::string(dtypeShortName(DTypeOf<T>::value)) +
                                           " values, got a " + jsonKind(l) + ": " + l.dump().substr(0, 40) + ".");
        }
    }
    return Status::OK();
}

Result<double> floatLeaf(const json& l, DType dtype, const std::string& what) {
    if (l.is_number()) return l.get<double>();
    return Status::invalidArgument("Input '" + what + "' expects " + std::string(dtypeShortName(dtype)) + " values, got a " +
                                   jsonKind(l) + ": " + l.dump().substr(0, 40) + ".");
}

}  // namespace

namespace {

// The deepest nesting of arrays/objects in `body` (brackets inside strings do not count); stops
// counting past `limit`. Checked before parsing so that the parser itself never goes deep.
int nestingDepth(std::string_view body, int limit) {
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (char c : body) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) return deepest;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

}  // namespace

Result<json> parseJsonBody(std::string_view body, const RequestLimits& limits) {
    if (body.size() > limits.maxBodyBytes)
        return Status::resourceExhausted("Request body of " + std::to_string(body.size()) + " bytes is above the limit of " +
                                         std::to_string(limits.maxBodyBytes) + " bytes.");
    if (nestingDepth(body, limits.maxJsonDepth) > limits.maxJsonDepth)
        return Status::invalidArgument("JSON nesting deeper than " + std::to_string(limits.maxJsonDepth) + " levels.");
    json doc;
    try {
        doc = json::parse(body.begin(), body.end());
    } catch (const json::parse_error& e) {
        // what(): "[json.exception.parse_error.101] parse error at line 1, column 25: <reason>"
        std::string what = e.what();
        size_t colon = what.find(": ", what.find(']'));
        return Status::invalidArgument("JSON Parse error at offset " + std::to_string(e.byte) + ": " +
                                       (colon == std::string::npos ? what : what.substr(colon + 2)));
    } catch (const std::exception& e) {
        return Status::invalidArgument(std::string("JSON Parse error: ") + e.what());
    }
    if (!doc.is_object()) return Status::invalidArgument("The request body must be a JSON object, got a " + jsonKind(doc) + ".");
    return doc;
}

Result<Tensor> tensorFromJson(const json& value, DType dtype, const std::string& what, const RequestLimits& limits) {
    Shape shape = guessShape(value);
    std::vector<const json*> leaves;
    TFS_RETURN_IF_ERROR(flatten(value, shape, 0, what, leaves, limits.maxTensorElements));
    if (dtype == DType::Invalid) dtype = inferDType(leaves);
    if (dtype == DType::String) {
        std::vector<std::string> strings;
        strings.reserve(leaves.size());
        size_t bytes = 0;
        for (const json* l : leaves) {
            if (l->is_string()) {
                strings.push_back(l->get<std::string>());
            } else if (isB64Object(*l)) {
                auto decoded = base64Decode((*l)["b64"].get_ref<const std::string&>());
                if (!decoded.ok()) return decoded.status().withContext("Input '" + what + "'");
                strings.push_back(std::move(decoded).value());
            } else {
                return Status::invalidArgument("Input '" + what + "' expects strings (or {\"b64\": ...}), got a " + jsonKind(*l) +
                                               ": " + l->dump().substr(0, 40) + ".");
            }
            bytes += strings.back().size();
            if (bytes > limits.maxTensorBytes)
                return Status::resourceExhausted("Input '" + what + "' is above the limit of " + std::to_string(limits.maxTensorBytes) +
                                                 " bytes.");
        }
        return Tensor::fromStrings(shape, std::move(strings));
    }
    auto alloc = Tensor::allocate(dtype, shape, limits.maxTensorBytes);
    if (!alloc.ok()) return alloc.status().withContext("Input '" + what + "'");
    Tensor t = std::move(alloc).value();
    switch (dtype) {
    case DType::Float:
    case DType::Double:
    case DType::Half:
    case DType::BFloat16:
        for (size_t i = 0; i < leaves.size(); ++i) {
            TFS_ASSIGN_OR_RETURN(double d, floatLeaf(*leaves[i], dtype, what));
            if (dtype == DType::Float) t.mutableData<float>()[i] = float(d);
            else if (dtype == DType::Double) t.mutableData<double>()[i] = d;
            else if (dtype == DType::Half) t.mutableData<uint16_t>()[i] = floatToHalf(float(d));
            else t.mutableData<uint16_t>()[i] = floatToBfloat16(float(d));
        }
        return t;
    case DType::Int8: TFS_RETURN_IF_ERROR(fillInts(leaves, t.mutableData<int8_t>(), what)); return t;
    case DType::Int16: TFS_RETURN_IF_ERROR(fillInts(leaves, t.mutableData<int16_t>(), what)); return t;
    case DType::Int32: TFS_RETURN_IF_ERROR(fillInts(leaves, t.mutableData<int32_t>(), what)); return t;
    case DType::Int64: TFS_RETURN_IF_ERROR(fillInts(leaves, t.mutableData<int64_t>(), what)); return t;
    case DType::UInt8: TFS_RETURN_IF_ERROR(fillInts(leaves, t.mutableData<uint8_t>(), what)); return t;
    case DType::UInt16: TFS_RETURN_IF_ERROR(fillInts(leaves, t.mutableData<uint16_t>(), what)); return t;
    case DType::UInt32: TFS_RETURN_IF_ERROR(fillInts(leaves, t.mutableData<uint32_t>(), what)); return t;
    case DType::UInt64: TFS_RETURN_IF_ERROR(fillInts(leaves, t.mutableData<uint64_t>(), what)); return t;
    case DType::Bool:
        for (size_t i = 0; i < leaves.size(); ++i) {
            const json& l = *leaves[i];
            if (!l.is_boolean())
                return Status::invalidArgument("Input '" + what + "' expects bool values, got a " + jsonKind(l) + ": " +
                                               l.dump().substr(0, 40) + ".");
            t.mutableData<bool>()[i] = l.get<bool>();
        }
        return t;
    default:
        return Status::unimplemented("Input '" + what + "' has dtype " + dtypeEnumName(dtype) + ", which the REST API does not take.");
    }
}

Result<std::map<std::string, Tensor>> predictInputsFromJson(const json& doc, const std::map<std::string, exec::TensorSpec>& specs,
                                                            const RequestLimits& limits, bool* rowFormat) {
    const bool hasInstances = doc.contains("instances");
    const bool hasInputs = doc.contains("inputs");
    if (hasInstances && hasInputs) return Status::invalidArgument("Only one of 'instances' and 'inputs' may be given.");
    if (!hasInstances && !hasInputs) return Status::invalidArgument("Missing 'inputs' or 'instances' key.");
    if (rowFormat) *rowFormat = hasInstances;

    std::vector<std::string> required;
    for (const auto& [k, s] : specs)
        if (!s.optional) required.push_back(k);
    auto specDType = [&](const std::string& key) -> Result<DType> {
        auto it = specs.find(key);
        if (it == specs.end()) {
            std::string names;
            for (const auto& [k, s] : specs) names += (names.empty() ? "'" : ", '") + k + "'";
            return Status::invalidArgument("The signature has no input '" + key + "' (its inputs: " + names + ").");
        }
        return it->second.dtype;
    };
    auto soleInput = [&]() -> Result<std::string> {
        if (required.size() == 1) return required[0];
        if (specs.size() == 1) return specs.begin()->first;
        return Status::invalidArgument("The signature has " + std::to_string(specs.size()) +
                                       " inputs: give each by name (objects of named inputs).");
    };

    std::map<std::string, Tensor> out;
    if (hasInputs) {
        const json& in = doc["inputs"];
        if (in.is_object() && !isB64Object(in)) {
            for (const auto& [key, value] : in.items()) {
                TFS_ASSIGN_OR_RETURN(DType dt, specDType(key));
                TFS_ASSIGN_OR_RETURN(out[key], tensorFromJson(value, dt, key, limits));
            }
            return out;
        }
        TFS_ASSIGN_OR_RETURN(std::string key, soleInput());
        TFS_ASSIGN_OR_RETURN(DType dt, specDType(key));
        TFS_ASSIGN_OR_RETURN(out[key], tensorFromJson(in, dt, key, limits));
        return out;
    }

    const json& inst = doc["instances"];
    if (!inst.is_array()) return Status::invalidArgument("'instances' must be a list, got a " + jsonKind(inst) + ".");
    if (inst.empty()) return Status::invalidArgument("'instances' is an empty list.");
    const bool named = inst[0].is_object() && !isB64Object(inst[0]);
    if (!named) {
        for (const json& e : inst)
            if (e.is_object() && !isB64Object(e))
                return Status::invalidArgument("'instances' mixes objects of named inputs with plain values.");
        TFS_ASSIGN_OR_RETURN(std::string key, soleInput());
        TFS_ASSIGN_OR_RETURN(DType dt, specDType(key));
        TFS_ASSIGN_OR_RETURN(out[key], tensorFromJson(inst, dt, key, limits));
        return out;
    }
    std::map<std::string, json> columns;
    for (const auto& [key, v] : inst[0].items()) columns[key] = json::array();
    for (size_t i = 0; i < inst.size(); ++i) {
        const json& e = inst[i];
        if (!e.is_object() || isB64Object(e))
            return Status::invalidArgument("'instances' mixes objects of named inputs with plain values.");
        if (e.size() != columns.size())
            return Status::invalidArgument("Instance " + std::to_string(i) + " has " + std::to_string(e.size()) +
                                           " named inputs, the first has " + std::to_string(columns.size()) + ".");
        for (const auto& [key, v] : e.items()) {
            auto it = columns.find(key);
            if (it == columns.end())
                return Status::invalidArgument("Instance " + std::to_string(i) + " names input '" + key + "', which the first instance does not.");
            it->second.push_back(v);
        }
    }
    for (auto& [key, column] : columns) {
        TFS_ASSIGN_OR_RETURN(DType dt, specDType(key));
        TFS_ASSIGN_OR_RETURN(out[key], tensorFromJson(column, dt, key, limits));
    }
    return out;
}

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

nlohmann::ordered_json elementJson(const Tensor& t, int64_t i, bool b64) {
    if (t.dtype() == DType::String) {
        const std::string& s = t.strings()[size_t(i)];
        if (b64 || !isValidUtf8(s)) return nlohmann::ordered_json{{"b64", base64Encode(s)}};
        return s;
    }
    return nlohmann::ordered_json(tensorElementToJson(t, i));
}

// Nested lists of dims [d, rank) starting at flat element `offset`.
nlohmann::ordered_json nestedJson(const Tensor& t, size_t d, int64_t offset, bool b64) {
    if (d == t.shape().size()) return elementJson(t, offset, b64);
    int64_t inner = 1;
    for (size_t k = d + 1; k < t.shape().size(); ++k) inner *= t.shape()[k];
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (int64_t i = 0; i < t.shape()[d]; ++i) arr.push_back(nestedJson(t, d + 1, offset + i * inner, b64));
    return arr;
}

}  // namespace

nlohmann::ordered_json tensorToServingJson(const Tensor& t, bool b64) { return nestedJson(t, 0, 0, b64); }

Result<nlohmann::ordered_json> predictResponseJson(const std::map<std::string, Tensor>& outputs, bool rowFormat) {
    nlohmann::ordered_json doc;
    if (!rowFormat) {
        if (outputs.size() == 1) {
            doc["outputs"] = tensorToServingJson(outputs.begin()->second, endsWith(outputs.begin()->first, "_bytes"));
        } else {
            nlohmann::ordered_json obj = nlohmann::ordered_json::object();
            for (const auto& [k, t] : outputs) obj[k] = tensorToServingJson(t, endsWith(k, "_bytes"));
            doc["outputs"] = std::move(obj);
        }
        return doc;
    }
    int64_t batch = -1;
    for (const auto& [k, t] : outputs) {
        if (t.rank() == 0)
            return Status::invalidArgument("Output '" + k + "' is a scalar: the row format ('instances') needs a batch dimension; use 'inputs'.");
        if (batch >= 0 && t.dim(0) != batch)
            return Status::invalidArgument("Outputs disagree in their batch size (" + std::to_string(batch) + " and " +
                                           std::to_string(t.dim(0)) + " for '" + k + "'); use 'inputs' (columnar format).");
        batch = t.dim(0);
    }
    nlohmann::ordered_json preds = nlohmann::ordered_json::array();
    for (int64_t i = 0; i < std::max<int64_t>(batch, 0); ++i) {
        if (outputs.size() == 1) {
            const auto& [k, t] = *outputs.begin();
            preds.push_back(nestedJson(t, 1, i * (t.dim(0) ? t.numElements() / t.dim(0) : 0), endsWith(k, "_bytes")));
        } else {
            nlohmann::ordered_json row = nlohmann::ordered_json::object();
            for (const auto& [k, t] : outputs)
                row[k] = nestedJson(t, 1, i * (t.dim(0) ? t.numElements() / t.dim(0) : 0), endsWith(k, "_bytes"));
            preds.push_back(std::move(row));
        }
    }
    doc["predictions"] = std::move(preds);
    return doc;
}

Result<std::string> exampleFromJson(const json& features) {
    if (!features.is_object()) return Status::invalidArgument("An example must be an object of features, got a " + jsonKind(features) + ".");
    tensorflow::Example example;
    auto& map = *example.mutable_features()->mutable_feature();
    for (const auto& [key, value] : features.items()) {
        std::vector<const json*> items;
        if (value.is_array()) {
            for (const json& v : value) items.push_back(&v);
        } else {
            items.push_back(&value);
        }
        bool anyFloat = false, anyString = false, anyNumber = false;
        for (const json* v : items) {
            if (v->is_string() || isB64Object(*v)) anyString = true;
            else if (v->is_number()) {
                anyNumber = true;
                anyFloat = anyFloat || v->is_number_float();
            } else {
                return Status::invalidArgument("Feature '" + key + "' must be a number, a string, {\"b64\": ...} or a flat list of them, got a " +
                                               jsonKind(*v) + ".");
            }
        }
        if (anyString && anyNumber) return Status::invalidArgument("Feature '" + key + "' mixes strings and numbers.");
        tensorflow::Feature& f = map[key];
        if (items.empty()) continue;  // no kind: read as absent
        if (anyString) {
            auto* bl = f.mutable_bytes_list();
            for (const json* v : items) {
                if (v->is_string()) {
                    bl->add_value(v->get<std::string>());
                } else {
                    auto d = base64Decode((*v)["b64"].get_ref<const std::string&>());
                    if (!d.ok()) return d.status().withContext("Feature '" + key + "'");
                    bl->add_value(std::move(d).value());
                }
            }
        } else if (anyFloat) {
            auto* fl = f.mutable_float_list();
            for (const json* v : items) fl->add_value(v->get<float>());
        } else {
            auto* il = f.mutable_int64_list();
            for (const json* v : items) {
                if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
                    return Status::invalidArgument("Feature '" + key + "': value " + v->dump() + " does not fit in int64.");
                il->add_value(v->get<int64_t>());
            }
        }
    }
    std::string bytes;
    if (!example.SerializeToString(&bytes)) return Status::internal("Could not serialize a tf.Example.");
    return bytes;
}

Result<std::vector<std::string>> examplesFromJson(const json& doc, const RequestLimits& limits) {
    if (!doc.contains("examples")) return Status::invalidArgument("Missing 'examples' key.");
    const json& ex = doc["examples"];
    if (!ex.is_array()) return Status::invalidArgument("'examples' must be a list of objects, got a " + jsonKind(ex) + ".");
    if (ex.empty()) return Status::invalidArgument("'examples' is an empty list.");
    if (int64_t(ex.size()) > limits.maxTensorElements)
        return Status::resourceExhausted("More than " + std::to_string(limits.maxTensorElements) + " examples.");
    std::string context;
    if (doc.contains("context")) {
        auto c = exampleFromJson(doc["context"]);
        if (!c.ok()) return c.status().withContext("'context'");
        context = std::move(c).value();
    }
    std::vector<std::string> out;
    out.reserve(ex.size());
    size_t bytes = 0;
    for (size_t i = 0; i < ex.size(); ++i) {
        auto e = exampleFromJson(ex[i]);
        if (!e.ok()) return e.status().withContext("Example " + std::to_string(i));
        // Protobuf merge semantics: the example's features follow the context's, so they win.
        out.push_back(context + e.value());
        bytes += out.back().size();
        if (bytes > limits.maxTensorBytes)
            return Status::resourceExhausted("The examples are above the limit of " + std::to_string(limits.maxTensorBytes) + " bytes.");
    }
    return out;
}

Result<std::string> base64Decode(std::string_view text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+' || c == '-') return 62;
        if (c == '/' || c == '_') return 63;
        return -1;
    };
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return Status::invalidArgument("Invalid base64 data: bad length.");
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = value(c);
        if (v < 0) return Status::invalidArgument("Invalid base64 data: unexpected character.");
        acc = (acc << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xff));
        }
    }
    return out;
}

}  // namespace tfscope::serve
