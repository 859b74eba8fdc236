#pragma once
// TensorList: the DT_VARIANT value of TF2's TensorList ops (tf.TensorArray inside tf.function and
// Keras RNN loops). A list is immutable once made: every op that "changes" a list returns a new
// one sharing the element tensors (Tensor copies share storage), so a list flowing through a While
// loop's variables behaves as a value.
//
//   auto list = std::make_shared<TensorList>();
//   list->elementDtype = DType::Float; list->elementShape = {-1, 3}; list->items.resize(5);
//   Tensor v = makeVariant(list);
//   TFS_ASSIGN_OR_RETURN(auto same, tensorListOf(ctx, v));
//
// A DT_VARIANT scalar tensor holds the VariantValue in objects()[0]; every variant the executor makes
// derives from VariantValue, so the kind can be checked.

#include <memory>
#include <string>
#include <vector>

#include "model/exec/kernel.h"
#include "model/tensor.h"

namespace tfscope::kernels {

class VariantValue {
public:
    virtual ~VariantValue() = default;
    virtual std::string typeName() const = 0;
};

// The element shape is partial: a dim of -1 is unknown; `unknownRank` means nothing is known.
struct PartialShape {
    bool unknownRank = true;
    Shape dims;

    bool fullyDefined() const;
    std::string toString() const;
    // The more specific of two compatible shapes; false if they conflict.
    static bool merge(const PartialShape& a, const PartialShape& b, PartialShape* out);
    // Whether a concrete shape fits.
    bool accepts(const Shape& s) const;
};

class TensorList final : public VariantValue {
public:
    std::string typeName() const override { return "tensorflow::TensorList"; }

    DType elementDtype = DType::Invalid;
    PartialShape elementShape;
    std::vector<Tensor> items;  // an invalid Tensor is an unset item (read as zeros)
};

// A DT_VARIANT scalar holding `value`.
Tensor makeVariant(std::shared_ptr<const VariantValue> value);
// The TensorList in a variant scalar; an error naming the node otherwise.
Result<std::shared_ptr<const TensorList>> tensorListOf(const exec::KernelContext& ctx, const Tensor& t);

}  // namespace tfscope::kernels
