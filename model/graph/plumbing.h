#pragma once
// Plumbing: which ops of a TensorFlow graph are not the user's network but TensorFlow's machinery
// around it: variable initialization, checkpoint save/restore, training (gradients, optimizer
// updates), summaries and input pipelines. The model view (model_view.h) collapses these into
// labelled side groups. Classification by op type only (the op metadata table, op_meta.h, plus
// a few rules of its own); model_view.cpp adds the structure (what a node feeds and is fed by).
//
//   if (plumbingForOp("RestoreV2") == Plumbing::SaveRestore) ...

#include <string_view>

namespace tfscope {

enum class Plumbing : unsigned char { None,
                                      Initialization,
                                      SaveRestore,
                                      Training,
                                      Summaries,
                                      InputPipeline };

// The side group an op of this type belongs to by its type alone (None: decided by structure).
Plumbing plumbingForOp(std::string_view op);
// "Initialization", "Save & Restore", "Training", "Summaries", "Input pipeline"; "" for None.
std::string_view plumbingLabel(Plumbing p);
// True for ops that hold or produce a weight: constants and variables (VarHandleOp, VariableV2).
bool isWeightSourceOp(std::string_view op);

}  // namespace tfscope
