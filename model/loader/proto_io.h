#pragma once
// Reading whole protobuf files, binary or text format, with errors that name the problem
// (internal to model/loader; callers prepend the path).
//
//   tensorflow::SavedModel sm;
//   TFS_RETURN_IF_ERROR(readBinaryProto(path, sm).withContext(path));
//   Status s = readTextProto(path, sm);   // "12:5: Expected identifier, got: }." (1-based)

#include <cstdint>
#include <string>

#include "model/status.h"

namespace google::protobuf {
class Message;
}

namespace tfscope {

constexpr uint64_t kMaxProtoFileBytes = uint64_t(2) << 30;  // protobuf's 2 GiB limit

Result<std::string> readWholeFile(const std::string& path, uint64_t maxBytes = kMaxProtoFileBytes);
// Parses binary wire format; "Not a valid tensorflow.SavedModel protobuf." on failure.
Status readBinaryProto(const std::string& path, google::protobuf::Message& msg);
Status parseBinaryProto(const std::string& bytes, google::protobuf::Message& msg);
// Parses text format; the first error is reported as "LINE:COLUMN: message." (1-based).
Status readTextProto(const std::string& path, google::protobuf::Message& msg);
Status parseTextProto(const std::string& text, google::protobuf::Message& msg);
// True when the first non-blank byte looks like protobuf text format (an identifier or '#').
bool looksLikeTextProto(const std::string& bytes);

}  // namespace tfscope
