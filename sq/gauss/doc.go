// Package gauss holds sqsim's Gaussian mathematics: the standard normal
// density and distribution function, normalized Hermite polynomials and the
// Hermite coefficients of relu, sign and the step function, kink-aware
// quadrature for expectations under N(0, 1) and N(0, I_2), and the closed-form
// Gaussian expectations of ReLU units (theory §2) with the square loss and its
// gradient.
//
// Everything here is label-free: these are the expectations a learner may
// compute for itself, without a query, because the marginal N(0, I_d) is
// public. The exact oracle, the distributions and the hardness package use the
// same functions, so a closed form is written once and tested once.
//
// Conventions: x ~ N(0, I_d); relu(t) = max(0, t); the step function is
// 1{t > 0}; sign(0) = 0; angles are in radians in [0, pi].
package gauss
