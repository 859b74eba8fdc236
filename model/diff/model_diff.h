#pragma once
// Compares two opened models (anything ModelLoader opens): their variables, signatures, op sets
// and assets. What `tfscope diff A B` prints (app/cli_diff.cpp).
//
//   ModelDiffOptions o;
//   o.matchShape = true;               // pair tensors whose names differ entirely
//   TFS_ASSIGN_OR_RETURN(ModelDiff d, diffModels(*a, *b, o));
//   if (d.differs()) ...
//
// Variables are the checkpoint entries (the object graph key aside), paired by checkpoint key,
// then by TF2 object path, then by display name when each is unique on both sides, then (with
// matchShape) by dtype and shape. Values: two V2 bundle entries with the same stored crc32c and
// size are equal without reading them (a crc32c collision is a 1 in 2^32 chance); otherwise both
// tensors are read (mapped views, one pair at a time: both models are never held whole) and
// compared element by element (value_diff.h).

#include <cstdint>
#include <string>
#include <vector>

#include "model/diff/value_diff.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

class Model;
class Progress;

struct ModelDiffOptions {
    bool matchShape = false;
    Progress* progress = nullptr;   // reports tensors compared; cancel stops
};

struct VariableDiff {
    enum class Kind { Equal, ValuesChanged, DtypeChanged, ShapeChanged, OnlyInA, OnlyInB };
    enum class PairedBy { Key, ObjectPath, Name, Shape, None };
    Kind kind = Kind::Equal;
    PairedBy pairedBy = PairedBy::None;
    std::string keyA, keyB;         // checkpoint keys ("" on the side that lacks it)
    std::string name;               // display name (A's, else B's): graph name or TF2 object path
    DType dtypeA = DType::Invalid, dtypeB = DType::Invalid;
    Shape shapeA, shapeB;
    bool equalByCrc = false;        // decided from the stored crc32c, bytes not read
    ValueDiff values;               // ValuesChanged (and Equal when bytes were compared)
    double confidence = 1;          // PairedBy::Shape: 1 unique dtype+shape, 0.9 + same last name, else 1/k
    std::string scope() const;      // name up to its last '/' ("" at the top)
};

struct SignatureDiff {
    enum class Kind { Added, Removed, Changed };
    Kind kind = Kind::Changed;
    std::string key;
    std::vector<std::string> changes;  // "input 'x': dtype DT_FLOAT -> DT_DOUBLE", "output 'y' added"
};

struct AssetDiff {
    enum class Kind { Added, Removed, Changed };
    Kind kind = Kind::Changed;
    std::string name;               // relative to assets/
    uint64_t sizeA = 0, sizeB = 0;
    uint32_t crcA = 0, crcB = 0;    // crc32c of the contents
};

struct ModelDiff {
    std::vector<VariableDiff> variables;   // every pair, A's key order, then B-only
    std::vector<SignatureDiff> signatures;
    std::vector<std::string> opsOnlyInA, opsOnlyInB;
    std::vector<AssetDiff> assets;         // differing assets only
    int64_t bytesRead = 0;                 // tensor bytes read to compare values
    int equalByCrc = 0;
    bool differs() const;
    int count(VariableDiff::Kind k) const;
};

Result<ModelDiff> diffModels(const Model& a, const Model& b, const ModelDiffOptions& options = {});

const char* variableDiffKindName(VariableDiff::Kind k);   // "equal", "values_changed", ...
const char* pairedByName(VariableDiff::PairedBy p);       // "key", "object_path", "name", "shape", "none"

}  // namespace tfscope
