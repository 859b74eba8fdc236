#pragma once
// ModelSummary: a proto-free description of a loaded model for the GUI and the CLI (views/ never
// include *.pb.h, docs/architecture.md#layers). Built once by ModelLoader; read it through Model::summary().
//
//   const ModelSummary& s = model->summary();
//   for (const MetaGraphSummary& mg : s.metaGraphs)
//       for (const SignatureSummary& sig : mg.signatures) print(sig.key, sig.inputs.size());
//
// Sources: MetaGraphDef (meta_graph.proto), SavedObjectGraph (saved_object_graph.proto),
// the checkpoint's TrackableObjectGraph (`_CHECKPOINTABLE_OBJECT_GRAPH`, docs/formats.md#tf2-object-graph) and
// the bundle index. dtypes are kept as TF's raw enum value (incl. *_REF = base + 100) plus name.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tfscope {

// A shape as TF stores it: nullopt = unknown rank; -1 = unknown dim.
using OptionalShape = std::optional<std::vector<int64_t>>;
// "(-1, 1)", "()" for a scalar, "unknown_rank"; saved_model_cli style.
std::string formatShapeCli(const OptionalShape& shape);

struct TensorInfoSummary {
    enum class Encoding { None, Name, CooSparse, Composite };
    std::string key;              // signature input/output key ("" for components)
    Encoding encoding = Encoding::None;
    std::string name;             // Name: "x:0"
    std::string valuesTensor;     // CooSparse
    std::string indicesTensor;
    std::string denseShapeTensor;
    std::vector<TensorInfoSummary> components;  // Composite
    std::string typeSpec;         // Composite: type_spec_class name + type_spec_class_name
    int dtype = 0;                // raw DataType value (0 = missing)
    std::string dtypeName;        // "DT_FLOAT", "DT_FLOAT_REF", "DT_INVALID"
    OptionalShape shape;          // nullopt: unknown rank or no tensor_shape at all
    bool hasShape = false;        // tensor_shape present (saved_model_cli prints "()" when absent)
};

struct SignatureDefault {
    std::string key;
    std::string summary;          // "DT_FLOAT [1] = [0]"
};

struct SignatureSummary {
    std::string key;
    std::string methodName;
    std::vector<TensorInfoSummary> inputs;    // sorted by key (as saved_model_cli prints)
    std::vector<TensorInfoSummary> outputs;   // sorted by key
    std::vector<SignatureDefault> defaults;   // SignatureDef.defaults (TF >= 2.13), sorted
};

struct VariableDefSummary {      // one decoded VariableDef (collections)
    std::string variableName;     // "a:0"
    std::string initializerName;
    std::string snapshotName;
    std::string initialValueName;
    bool isResource = false;
    bool trainable = false;
    std::string saveSliceFullName;  // partitioned variables
};

struct AssetFileSummary {
    std::string filename;         // relative to assets/
    std::string tensorName;
    bool exists = false;
    uint64_t size = 0;
};

struct CollectionSummary {
    enum class Kind { Empty, NodeList, BytesList, Int64List, FloatList, AnyList };
    std::string key;
    Kind kind = Kind::Empty;
    int count = 0;
    // Display strings: node names; int64/float values; bytes as decoded text ("<N bytes>" when
    // not printable); Any as its type URL (or decoded summary for known types).
    std::vector<std::string> values;
    std::vector<VariableDefSummary> variableDefs;  // bytes lists holding VariableDef protos
    std::vector<AssetFileSummary> assetFiles;      // AnyList of tensorflow.AssetFileDef
};

struct SaverSummary {
    bool present = false;
    std::string filenameTensorName;
    std::string saveTensorName;
    std::string restoreOpName;
    int maxToKeep = 0;
    bool sharded = false;
    float keepCheckpointEveryNHours = 0;
    int version = 0;              // 0 LEGACY, 1 V1, 2 V2
    std::string versionName;      // "LEGACY", "V1", "V2"
};

struct FunctionArgSummary {
    std::string name;
    std::string type;             // "DT_FLOAT" or "T" (type attr) or "N*T"
};

struct FunctionSummary {
    std::string name;
    std::vector<FunctionArgSummary> inputs;
    std::vector<FunctionArgSummary> outputs;
    int nodeCount = 0;
    bool isStateful = false;
    bool hasGradient = false;     // listed in the library's gradient table
};

// One node of the TF2 object graph: the SavedObjectGraph (SavedModel) linked to the checkpoint's
// TrackableObjectGraph (bundle_v2.cc VisitObjectsToRestore, docs/formats.md#linking-the-savedobjectgraph), or the
// TrackableObjectGraph alone for a standalone TF2 checkpoint.
struct ObjectGraphNode {
    struct Child {
        std::string localName;
        int nodeId = -1;
    };
    struct Attribute {
        std::string name;         // "VARIABLE_VALUE"
        std::string fullName;     // TF1-style name
        std::string checkpointKey;
    };
    struct SlotRef {
        std::string slotName;     // "m"
        int originalVariableNodeId = -1;
        int slotVariableNodeId = -1;
    };
    int id = -1;                  // SavedObjectGraph node id (or trackable id if no SavedModel)
    int trackableId = -1;         // linked TrackableObjectGraph node, -1 if none
    std::string kind;             // "user_object", "variable", "function", "asset", "constant",
                                  // "resource", "bare_concrete_function", "captured_tensor", ""
    std::string identifier;       // user_object identifier ("_generic_user_object", "trackable_list_wrapper")
    std::string path;             // BFS object path with escaped local names ("layer_with_weights-0/kernel")
    std::vector<Child> children;
    std::vector<Attribute> attributes;
    std::vector<SlotRef> slotVariables;  // on the optimizer node, as stored
    // For variables: SavedVariable fields (TF2 SavedModel only).
    int dtype = 0;
    std::string dtypeName;
    OptionalShape shape;
    bool trainable = false;
    std::string variableName;     // SavedVariable.name
    std::string device;
    std::vector<std::string> concreteFunctions;  // function nodes
};

struct ObjectGraphSummary {
    bool present = false;
    bool fromSavedModel = false;  // nodes are SavedObjectGraph nodes (else trackable nodes)
    std::vector<ObjectGraphNode> nodes;  // index = id
    int concreteFunctionCount = 0;
};

struct VariableSummary {
    std::string name;             // graph/TF1 name ("dense/kernel"), or TF2 object path if none
    int dtype = 0;
    std::string dtypeName;        // "DT_FLOAT"
    OptionalShape shape;
    int64_t paramCount = 0;       // elements (0 if shape unknown)
    uint64_t bytes = 0;           // in the checkpoint (entry size), or elements × dtype size
    std::string objectPath;       // TF2 object path ("a", "layer_with_weights-0/kernel"), "" for TF1
    std::string checkpointKey;    // bundle key, "" when no checkpoint has it
    std::string graphNode;        // VarHandleOp/VariableV2 node name in the graph, "" if none
    bool trainable = false;
    bool isOptimizerSlot = false; // slot variable (Adam m/v) or TF1 slot (".../Adam", "Adagrad")
    std::string slotOf;           // for slots: name of the variable it belongs to
    std::string slotName;         // "m", "v", "accumulator"
    int objectNodeId = -1;        // ObjectGraphNode id, -1 if none
    bool inCheckpoint = false;
};

struct MetaGraphSummary {
    std::vector<std::string> tags;  // as stored, in file order
    std::string tensorflowVersion;
    std::string tensorflowGitVersion;
    bool strippedDefaultAttrs = false;
    int producer = 0;
    int minConsumer = 0;
    int nodeCount = 0;
    std::vector<SignatureSummary> signatures;     // sorted by key
    std::vector<CollectionSummary> collections;   // sorted by key
    std::vector<AssetFileSummary> assetFiles;     // asset_file_def (or saved_model_assets collection)
    SaverSummary saver;
    std::vector<FunctionSummary> functions;       // graph_def.library, sorted by name
    std::vector<std::string> ops;                 // distinct op types, graph + functions, sorted
    std::vector<std::string> strippedOps;         // meta_info_def.stripped_op_list names
    ObjectGraphSummary objectGraph;               // object_graph_def linked to the checkpoint
};

struct ModelSummary {
    std::vector<MetaGraphSummary> metaGraphs;
    std::vector<VariableSummary> variables;       // sorted by name; optimizer slots after their variable
    ObjectGraphSummary checkpointObjectGraph;     // TrackableObjectGraph of the checkpoint alone
    std::vector<std::string> checkpointKeysWithoutVariable;  // bundle keys not matched to a variable
    int64_t totalParams = 0;                      // sum over variables (slots included)
    uint64_t totalVariableBytes = 0;
};

}  // namespace tfscope
