// libraryKernels(): every math/NN/shape/string kernel of model/kernels/, registered by name.
#include "model/kernels/registry.h"

namespace tfscope::kernels {
void registerFoldScaleShift(KernelList& list);  // _TfsFoldFilter _TfsFoldBias (the graph optimizer's, model/exec/optimize)
}  // namespace tfscope::kernels

namespace tfscope::exec {

const std::vector<const KernelDef*>& libraryKernels() {
    static const std::vector<const KernelDef*> kernels = [] {
        kernels::KernelList list;
        kernels::registerCwiseArith(list);
        kernels::registerCwiseDiv(list);
        kernels::registerCwiseCompare(list);
        kernels::registerCwiseMath(list);
        kernels::registerActivations(list);
        kernels::registerCast(list);
        kernels::registerBiasAdd(list);
        kernels::registerAddN(list);
        kernels::registerSelect(list);
        kernels::registerSoftmax(list);
        kernels::registerMatMul(list);
        kernels::registerBatchMatMul(list);
        kernels::registerEinsum(list);
        kernels::registerConv2D(list);
        kernels::registerFusedConv2D(list);
        kernels::registerFusedMatMul(list);
        kernels::registerFusedElementwise(list);
        kernels::registerLstmCell(list);
        kernels::registerDepthwiseConv2D(list);
        kernels::registerPooling(list);
        kernels::registerFusedBatchNorm(list);
        kernels::registerReduction(list);
        kernels::registerArgMinMax(list);
        kernels::registerReshape(list);
        kernels::registerShapeOps(list);
        kernels::registerTranspose(list);
        kernels::registerConcat(list);
        kernels::registerSplit(list);
        kernels::registerSlice(list);
        kernels::registerGather(list);
        kernels::registerFill(list);
        kernels::registerTile(list);
        kernels::registerPad(list);
        kernels::registerWhere(list);
        kernels::registerOneHot(list);
        kernels::registerSetOperation(list);
        kernels::registerFoldScaleShift(list);
        kernels::registerCumsum(list);
        kernels::registerReverse(list);
        kernels::registerTopK(list);
        kernels::registerSegment(list);
        kernels::registerUnique(list);
        kernels::registerRandomUniform(list);
        kernels::registerRandomNormal(list);
        kernels::registerDequantize(list);
        kernels::registerScatterNd(list);
        kernels::registerReverseSequence(list);
        kernels::registerConcatOffset(list);
        kernels::registerBincount(list);
        kernels::registerBoostedTreesBucketize(list);
        kernels::registerStringCase(list);
        kernels::registerStringSplit(list);
        kernels::registerStringNGrams(list);
        kernels::registerStringOps(list);
        kernels::registerTensorListEmpty(list);
        kernels::registerTensorListReserve(list);
        kernels::registerTensorListFromTensor(list);
        kernels::registerTensorListGetItem(list);
        kernels::registerTensorListSetItem(list);
        kernels::registerTensorListStack(list);
        kernels::registerTensorListGather(list);
        kernels::registerTensorListLength(list);
        kernels::registerTensorListElementShape(list);
        kernels::registerTensorListPushBack(list);
        kernels::registerTensorListPopBack(list);
        kernels::registerTensorListResize(list);
        kernels::registerTensorListScatter(list);
        kernels::registerStringToHashBucket(list);
        kernels::registerSparseToDense(list);
        kernels::registerSparseReshape(list);
        kernels::registerSparseFillEmptyRows(list);
        kernels::registerSparseSegment(list);
        kernels::registerSearchSorted(list);
        return list;
    }();
    return kernels;
}

}  // namespace tfscope::exec
