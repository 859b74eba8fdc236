#pragma once
// One registration function per kernel file (docs/architecture.md#kernels); libraryKernels() in registry.cpp calls
// each by name, so no self-registering statics are dropped from the static library.

#include <vector>

#include "model/exec/kernel.h"

namespace tfscope::kernels {

using KernelList = std::vector<const exec::KernelDef*>;

void registerCwiseArith(KernelList& list);        // Add AddV2 Sub Mul Maximum Minimum SquaredDifference
void registerCwiseDiv(KernelList& list);          // RealDiv Div DivNoNan FloorDiv FloorMod TruncateDiv TruncateMod Pow
void registerCwiseCompare(KernelList& list);      // Equal NotEqual Less LessEqual Greater GreaterEqual LogicalAnd LogicalOr
void registerCwiseMath(KernelList& list);         // Neg Abs Square Sqrt Rsqrt Exp Log ... Sigmoid Tanh Erf IsNan LogicalNot
void registerActivations(KernelList& list);       // Relu Relu6 Elu Selu Softplus Softsign LeakyRelu
void registerCast(KernelList& list);              // Cast
void registerBiasAdd(KernelList& list);           // BiasAdd BiasAddV1
void registerAddN(KernelList& list);              // AddN
void registerSelect(KernelList& list);            // Select SelectV2
void registerSoftmax(KernelList& list);           // Softmax LogSoftmax
void registerMatMul(KernelList& list);            // MatMul
void registerBatchMatMul(KernelList& list);       // BatchMatMul BatchMatMulV2 BatchMatMulV3
void registerEinsum(KernelList& list);            // Einsum
void registerConv2D(KernelList& list);            // Conv2D
void registerFusedConv2D(KernelList& list);       // _FusedConv2D
void registerFusedMatMul(KernelList& list);       // _FusedMatMul
void registerFusedElementwise(KernelList& list);  // _FusedElementwise
void registerLstmCell(KernelList& list);          // _TfsLstmCell (fusion_lstm.cpp)
void registerDepthwiseConv2D(KernelList& list);   // DepthwiseConv2dNative
void registerPooling(KernelList& list);           // MaxPool MaxPoolV2 AvgPool
void registerFusedBatchNorm(KernelList& list);    // FusedBatchNorm V2 V3
void registerReduction(KernelList& list);         // Sum Mean Prod Max Min All Any EuclideanNorm
void registerArgMinMax(KernelList& list);         // ArgMax ArgMin
void registerReshape(KernelList& list);           // Reshape Squeeze ExpandDims
void registerShapeOps(KernelList& list);          // Shape ShapeN Size Rank
void registerTranspose(KernelList& list);         // Transpose ConjugateTranspose
void registerConcat(KernelList& list);            // ConcatV2 Concat Pack
void registerSplit(KernelList& list);             // Unpack Split SplitV
void registerSlice(KernelList& list);             // Slice StridedSlice
void registerGather(KernelList& list);            // GatherV2 Gather GatherNd
void registerFill(KernelList& list);              // Fill ZerosLike OnesLike Range
void registerTile(KernelList& list);              // Tile BroadcastTo BroadcastArgs BroadcastGradientArgs
void registerPad(KernelList& list);               // Pad PadV2 MirrorPad
void registerWhere(KernelList& list);             // Where
void registerOneHot(KernelList& list);            // OneHot
void registerCumsum(KernelList& list);            // Cumsum Cumprod
void registerReverse(KernelList& list);           // ReverseV2 InvertPermutation
void registerTopK(KernelList& list);              // TopKV2
void registerSegment(KernelList& list);           // UnsortedSegmentSum/Prod/Max/Min DynamicStitch
void registerUnique(KernelList& list);            // Unique L2Loss
void registerRandomUniform(KernelList& list);     // RandomUniform (not TF's stream)
void registerRandomNormal(KernelList& list);      // RandomStandardNormal TruncatedNormal (not TF's stream)
void registerDequantize(KernelList& list);        // Dequantize
void registerScatterNd(KernelList& list);         // ScatterNd
void registerReverseSequence(KernelList& list);   // ReverseSequence
void registerConcatOffset(KernelList& list);      // ConcatOffset
void registerBincount(KernelList& list);          // Bincount DenseBincount
void registerBoostedTreesBucketize(KernelList& list);  // BoostedTreesBucketize
void registerStringCase(KernelList& list);        // StringUpper StringLower
void registerStringSplit(KernelList& list);       // StringSplit StringSplitV2
void registerStringNGrams(KernelList& list);      // StringNGrams
void registerStringOps(KernelList& list);         // AsString ReduceJoin StringLength (Static)RegexReplace RegexFullMatch
void registerTensorListEmpty(KernelList& list);    // EmptyTensorList
void registerTensorListReserve(KernelList& list);  // TensorListReserve
void registerTensorListFromTensor(KernelList& list); // TensorListFromTensor
void registerTensorListGetItem(KernelList& list);  // TensorListGetItem
void registerTensorListSetItem(KernelList& list);  // TensorListSetItem
void registerTensorListStack(KernelList& list);    // TensorListStack
void registerTensorListGather(KernelList& list);   // TensorListGather
void registerTensorListLength(KernelList& list);   // TensorListLength
void registerTensorListElementShape(KernelList& list); // TensorListElementShape
void registerTensorListPushBack(KernelList& list); // TensorListPushBack
void registerTensorListPopBack(KernelList& list);  // TensorListPopBack
void registerTensorListResize(KernelList& list);   // TensorListResize
void registerTensorListScatter(KernelList& list);  // TensorListScatterIntoExistingList
void registerStringToHashBucket(KernelList& list); // StringToHashBucketFast (FarmHash Fingerprint64)
void registerSparseToDense(KernelList& list);     // SparseToDense
void registerSparseReshape(KernelList& list);     // SparseReshape
void registerSparseFillEmptyRows(KernelList& list); // SparseFillEmptyRows
void registerSparseSegment(KernelList& list);     // SparseSegmentSum SparseSegmentMean SparseSegmentSqrtN
void registerSearchSorted(KernelList& list);      // UpperBound LowerBound
void registerSetOperation(KernelList& list);      // DenseToDenseSetOperation

}  // namespace tfscope::kernels
