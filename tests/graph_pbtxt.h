#pragma once
// Small text-format GraphDef builders for the executor suites (tst_fusion, tst_optimize).
//
//   std::string g = floatConst("w", {3, 3, 2, 3}, -0.4f, 0.13f);
//   g += "node { name: 'y' op: 'Conv2D' input: 'x' input: 'w'" + std::string(kFloatT) + "}\n";
#include <cstdint>
#include <string>
#include <vector>

// A float Const node NAME of SHAPE whose values follow a fixed, sign-changing pattern.
inline std::string floatConst(const std::string& name, const std::vector<int64_t>& shape, float start, float step) {
    int64_t count = 1;
    std::string dims;
    for (int64_t d : shape) {
        count *= d;
        dims += "dim { size: " + std::to_string(d) + " } ";
    }
    std::string values;
    for (int64_t i = 0; i < count; ++i)
        values += "float_val: " + std::to_string(start + step * float(i % 7) - step * float(i % 3)) + " ";
    return "node { name: '" + name +
           "' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'value' value { tensor { "
           "dtype: DT_FLOAT tensor_shape { " +
           dims + "} " + values + "} } } }\n";
}

// The `T: DT_FLOAT` attribute most float ops carry.
inline constexpr const char* kFloatT = " attr { key: 'T' value { type: DT_FLOAT } } ";

// A ResNet-like chain of residual units unit_a..unit_f after placeholder x: conv1 -> relu ->
// conv2 -> add(unit input), with Const kernels w1, w2 of [3,3,8,8]. unit_e's w2 is [3,3,8,16];
// unit_f's add reads relu instead of conv2. (Identical-layer tests: a..d match, e and f do not.)
inline std::string residualUnitsText() {
    auto node = [](const std::string& name, const std::string& op, const std::vector<std::string>& inputs) {
        std::string t = "node { name: '" + name + "' op: '" + op + "'";
        for (const auto& i : inputs) t += " input: '" + i + "'";
        return t + kFloatT + "}\n";
    };
    auto kernel = [](const std::string& name, int out) {
        return "node { name: '" + name +
               "' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'value' value { tensor { "
               "dtype: DT_FLOAT tensor_shape { dim { size: 3 } dim { size: 3 } dim { size: 8 } dim { size: " +
               std::to_string(out) + " } } } } } }\n";
    };
    std::string g = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    std::string in = "x";
    for (char u = 'a'; u <= 'f'; ++u) {
        const std::string s = std::string("unit_") + u + "/";
        g += kernel(s + "w1", 8) + kernel(s + "w2", u == 'e' ? 16 : 8);
        g += node(s + "conv1", "Conv2D", {in, s + "w1"}) + node(s + "relu", "Relu", {s + "conv1"}) +
             node(s + "conv2", "Conv2D", {s + "relu", s + "w2"}) + node(s + "add", "AddV2", {u == 'f' ? s + "relu" : s + "conv2", in});
        in = s + "add";
    }
    return g;
}

// Placeholder x feeding three PartitionedCalls (r/call -> rec, p/call -> ping, b/call -> big) summed
// by AddN 'out'. rec calls itself; ping calls pong, which calls ping; big is a chain of 1600 Negs.
// rec, ping and pong each hold one Neg 'neg' of their argument. (Model view recursion/size tests.)
inline std::string callLibraryText() {
    auto function = [](const std::string& name, const std::string& body, const std::string& ret) {
        return "function { signature { name: '" + name +
               "' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' type: DT_FLOAT } } " + body +
               " ret { key: 'y' value: '" + ret + "' } }\n";
    };
    auto call = [](const std::string& name, const std::string& input, const std::string& f) {
        return "node_def { name: '" + name + "' op: 'PartitionedCall' input: '" + input + "' attr { key: 'f' value { func { name: '" + f +
               "' } } } }\n";
    };
    auto top = [](const std::string& name, const std::string& f) {
        return "node { name: '" + name + "' op: 'PartitionedCall' input: 'x' attr { key: 'f' value { func { name: '" + f + "' } } } }\n";
    };
    const std::string negX = "node_def { name: 'neg' op: 'Neg' input: 'x' attr { key: 'T' value { type: DT_FLOAT } } }";
    std::string bigBody;
    for (int i = 0; i < 1600; ++i)
        bigBody += "node_def { name: 'n" + std::to_string(i) + "' op: 'Neg' input: '" + (i ? "n" + std::to_string(i - 1) + ":y:0" : std::string("x")) +
                   "' attr { key: 'T' value { type: DT_FLOAT } } }";
    std::string text = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n" + top("r/call", "rec") +
                       top("p/call", "ping") + top("b/call", "big") +
                       "node { name: 'out' op: 'AddN' input: 'r/call' input: 'p/call' input: 'b/call' }\n";
    text += "library {\n" + function("rec", negX + call("again", "neg:y:0", "rec"), "again:output:0") +
            function("ping", negX + call("to_pong", "neg:y:0", "pong"), "to_pong:output:0") +
            function("pong", negX + call("to_ping", "neg:y:0", "ping"), "to_ping:output:0") + function("big", bigBody, "n1599:y:0") +
            "}\n";
    return text;
}
