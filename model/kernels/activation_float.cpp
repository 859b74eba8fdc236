#include "model/kernels/activation_float.h"

#include <Eigen/Core>

namespace tfscope::kernels {

void tanhFloat(const float* x, float* y, int64_t n) {
    if (n <= 0) return;
    Eigen::Map<Eigen::ArrayXf>(y, Eigen::Index(n)) = Eigen::Map<const Eigen::ArrayXf>(x, Eigen::Index(n)).tanh();
}

void sigmoidFloat(const float* x, float* y, int64_t n) {
    if (n <= 0) return;
    // Through exp rather than Eigen's logistic(), whose approximation loses relative accuracy for
    // large negative x (thousands of eps where the result is tiny).
    Eigen::Map<Eigen::ArrayXf>(y, Eigen::Index(n)) = (1.0f + (-Eigen::Map<const Eigen::ArrayXf>(x, Eigen::Index(n))).exp()).inverse();
}

}  // namespace tfscope::kernels
