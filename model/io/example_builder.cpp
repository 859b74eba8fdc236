#include "model/io/example_builder.h"

#include "example.pb.h"
#include "feature.pb.h"

namespace tfscope::io {

Result<Tensor> examplesFromLiteral(const Literal& list) {
    if (list.kind != Literal::Kind::List) return Status::invalidArgument("Examples must be a list of dicts.");
    std::vector<std::string> serialized;
    for (const Literal& ex : list.items) {
        if (ex.kind != Literal::Kind::Dict) return Status::invalidArgument("Each example must be a dict of feature lists.");
        tensorflow::Example example;
        auto& features = *example.mutable_features()->mutable_feature();
        for (const auto& [key, value] : ex.fields) {
            std::vector<const Literal*> items;
            if (value.kind == Literal::Kind::List) {
                for (const Literal& v : value.items) items.push_back(&v);
            } else {
                items.push_back(&value);
            }
            bool anyFloat = false, anyString = false;
            for (const Literal* v : items) {
                if (v->kind == Literal::Kind::List || v->kind == Literal::Kind::Dict)
                    return Status::invalidArgument("Feature '" + key + "' must be a flat list.");
                anyFloat = anyFloat || v->kind == Literal::Kind::Float;
                anyString = anyString || v->kind == Literal::Kind::String;
            }
            tensorflow::Feature& f = features[key];
            if (anyString) {
                auto* bl = f.mutable_bytes_list();
                for (const Literal* v : items) {
                    if (v->kind != Literal::Kind::String) return Status::invalidArgument("Feature '" + key + "' mixes strings and numbers.");
                    bl->add_value(v->s);
                }
            } else if (anyFloat) {
                auto* fl = f.mutable_float_list();
                for (const Literal* v : items) fl->add_value(v->kind == Literal::Kind::Float ? float(v->f) : v->kind == Literal::Kind::Int ? float(v->i) : float(v->b));
            } else {
                auto* il = f.mutable_int64_list();
                for (const Literal* v : items) il->add_value(v->kind == Literal::Kind::Int ? v->i : int64_t(v->b));
            }
        }
        std::string bytes;
        if (!example.SerializeToString(&bytes)) return Status::internal("Could not serialize a tf.Example.");
        serialized.push_back(std::move(bytes));
    }
    Shape shape{int64_t(serialized.size())};
    return Tensor::fromStrings(shape, std::move(serialized));
}

Result<Tensor> examplesFromText(std::string_view text) {
    TFS_ASSIGN_OR_RETURN(Literal l, parseLiteral(text));
    return examplesFromLiteral(l);
}

}  // namespace tfscope::io
