#include "model/loader/proto_io.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace tfscope {

namespace {

class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
public:
    void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
        if (!m_error.empty()) return;
        std::string msg = message;
        if (!msg.empty() && msg.back() != '.') msg += '.';
        m_error = std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + msg;
    }
    const std::string& error() const { return m_error; }

private:
    std::string m_error;
};

}  // namespace

Result<std::string> readWholeFile(const std::string& path, uint64_t maxBytes) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return Status::notFound("File not found.");
        return Status::ioError(std::string("Cannot access the file: ") + std::strerror(errno) + ".");
    }
    if (!S_ISREG(st.st_mode)) return Status::invalidArgument("Not a regular file.");
    if (static_cast<uint64_t>(st.st_size) > maxBytes)
        return Status::resourceExhausted("File of " + std::to_string(st.st_size) + " bytes exceeds the limit of '" +
                                         std::to_string(maxBytes) + "' bytes.");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::ioError(std::string("Cannot open the file: ") + std::strerror(errno) + ".");
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<size_t>(in.gcount()) != bytes.size()) return Status::ioError("Short read.");
    return bytes;
}

Status parseBinaryProto(const std::string& bytes, google::protobuf::Message& msg) {
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                              static_cast<int>(bytes.size()));
    in.SetTotalBytesLimit(INT32_MAX);
    in.SetRecursionLimit(200);
    if (!msg.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
        return Status::corruption("Not a valid " + msg.GetTypeName() + " protobuf.");
    return Status::OK();
}

Status readBinaryProto(const std::string& path, google::protobuf::Message& msg) {
    TFS_ASSIGN_OR_RETURN(std::string bytes, readWholeFile(path));
    return parseBinaryProto(bytes, msg);
}

Status parseTextProto(const std::string& text, google::protobuf::Message& msg) {
    google::protobuf::TextFormat::Parser parser;
    FirstErrorCollector errors;
    parser.RecordErrorsTo(&errors);
    parser.AllowUnknownExtension(false);
    if (!parser.ParseFromString(text, &msg)) {
        std::string e = errors.error().empty() ? std::string("Invalid text format.") : errors.error();
        return Status::corruption(e);
    }
    return Status::OK();
}

Status readTextProto(const std::string& path, google::protobuf::Message& msg) {
    TFS_ASSIGN_OR_RETURN(std::string text, readWholeFile(path));
    return parseTextProto(text, msg);
}

bool looksLikeTextProto(const std::string& bytes) {
    for (unsigned char c : bytes) {
        if (c == 0) return false;
        if (std::isspace(c)) continue;
        return std::isalpha(c) || c == '#' || c == '_';
    }
    return false;
}

}  // namespace tfscope
