using System;
using Micrograd.Expressions;

namespace GeneratorSample
{
    /// <summary>The seed's function, its derivative and a gradient, compiled with the app.</summary>
    public static partial class Model
    {
        /// <summary>f(x) = 3x² - 4x + 5.</summary>
        [Formula("3*x**2 - 4*x + 5")]
        public static partial double F(double x);

        /// <summary>f'(x), differentiated at build time.</summary>
        [Formula("3*x**2 - 4*x + 5", Derivative = "x")]
        public static partial double DF(double x);

        /// <summary>a*b + c and its gradient in the order a, b, c.</summary>
        [Formula("a*b + c", Gradient = true)]
        public static partial double G(double a, double b, double c, Span<double> gradient);

        /// <summary>A local function, written out.</summary>
        [Formula("let hyp x y = sqrt(x**2 + y**2) in hyp(u, v)")]
        public static partial float H(float u, float v);

        /// <summary>Every function the engine adds to System.Math.</summary>
        [Formula("relu(x) + sigmoid(x) + heaviside(x) + sign(x) + cbrt(x) + min(x, 1) + max(x, 2)", Gradient = true)]
        public static partial double Builtins(double x, Span<double> gradient);
    }
}
