using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// Walks the tree instead of compiling it: the tier for one-shot evaluation, where compiling a LINQ tree
/// (about 100 µs) would cost far more than evaluating it. It performs exactly the operations the
/// <see cref="LinqCompiler"/> emits, in the same order, so both tiers give the same bits.
/// </summary>
internal static class Interpreter
{
    public static double Evaluate(Expr tree, IReadOnlyList<string> parameters, double[] values) =>
        Eval(tree, new Values(parameters, values));

    // the visible value of each name. A formula with a few names (the usual one) scans them, innermost let first,
    // and allocates nothing beyond this object and its lets; past Few names every name gets a stack of values in a
    // dictionary, so a lookup is one hash probe however many names are bound, and leaving a let pops what it pushed
    private sealed class Values
    {
        private const int Few = 8;

        private readonly IReadOnlyList<string> parameters;
        private readonly double[] arguments;
        private (string Name, double Value)[]? lets;
        private int letCount;
        private Dictionary<string, List<double>>? many;

        public Values(IReadOnlyList<string> parameters, double[] arguments)
        {
            (this.parameters, this.arguments) = (parameters, arguments);
            if (parameters.Count > Few)
            {
                Spill();
            }
        }

        public double this[string name]
        {
            get
            {
                if (many is not null)
                {
                    return many.TryGetValue(name, out var stack) && stack.Count > 0 ? stack[^1] : throw Guards.UnknownName(name);
                }

                for (var i = letCount - 1; i >= 0; i--)
                {
                    if (lets![i].Name == name)
                    {
                        return lets[i].Value;
                    }
                }

                for (var i = 0; i < parameters.Count; i++)
                {
                    if (parameters[i] == name)
                    {
                        return arguments[i];
                    }
                }

                throw Guards.UnknownName(name);
            }
        }

        public void Bind(string name, double value)
        {
            if (many is null && letCount == Few)
            {
                Spill();
            }

            if (many is not null)
            {
                Push(name, value);
                return;
            }

            lets ??= new (string, double)[Few];
            lets[letCount++] = (name, value);
        }

        public void Unbind(string name)
        {
            if (many is null)
            {
                letCount--;
                return;
            }

            var stack = many[name];
            stack.RemoveAt(stack.Count - 1);
        }

        // from here on every name has its stack in the dictionary, the parameters under the lets in scope
        private void Spill()
        {
            many = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            for (var i = 0; i < parameters.Count; i++)
            {
                Push(parameters[i], arguments[i]);
            }

            for (var i = 0; i < letCount; i++)
            {
                Push(lets![i].Name, lets[i].Value);
            }

            letCount = 0;
        }

        private void Push(string name, double value)
        {
            if (!many!.TryGetValue(name, out var stack))
            {
                many[name] = stack = new List<double>(1);
            }

            stack.Add(value);
        }
    }

    private static double Eval(Expr e, Values scope)
    {
        Guards.Stack("evaluate");

        switch (e)
        {
            case Number n:
                return n.Value;
            case Variable v:
                return scope[v.Name];
            case Sum s:
                var sum = Eval(s.Terms[0], scope);
                for (var i = 1; i < s.Terms.Length; i++)
                {
                    sum = Steps.IsSubtraction(s.Terms[i])
                        ? sum - EvalProduct((Product)s.Terms[i], scope, skipSign: true)
                        : sum + Eval(s.Terms[i], scope);
                }

                return sum;
            case Product p:
                return EvalProduct(p, scope, skipSign: false);
            case Power { Exponent: Number { Value: var k } } p:
                return Steps.PowerByLiteral(Eval(p.Base, scope), k);
            case Power p:
                return Math.Pow(Eval(p.Base, scope), Eval(p.Exponent, scope));
            case Call { Function.IsConstant: true } c:
                return c.Function.ConstantValue;
            case Call c:
                return EvalCall(c, scope);
            case Let l:
                foreach (var binding in l.Bindings)
                {
                    scope.Bind(binding.Name, Eval(binding.Value, scope));
                }

                var result = Eval(l.Body, scope);
                foreach (var binding in l.Bindings)
                {
                    scope.Unbind(binding.Name);
                }

                return result;
            default:
                throw Guards.UnknownNode(e);
        }
    }

    // apart from Eval: a method with stackalloc and loops is compiled optimized at its first call, which would cost
    // every process's first evaluation milliseconds (Eval itself is then compiled quickly, as any other method)
    private static double EvalCall(Call c, Values scope)
    {
        Span<double> args = stackalloc double[c.Arguments.Length];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Eval(c.Arguments[i], scope);
        }

        return c.Function.Invoke(args);
    }

    // the shapes of Steps, without building its view (no allocation per evaluation): a leading -1 negates (or is
    // dropped for a subtrahend), a later u**-1 divides
    private static double EvalProduct(Product p, Values scope, bool skipSign)
    {
        var negate = Steps.IsNegation(p);
        var start = negate ? 1 : 0;
        var acc = Eval(p.Factors[start], scope);
        if (negate && !skipSign)
        {
            acc = -acc;
        }

        for (var i = start + 1; i < p.Factors.Length; i++)
        {
            acc = Steps.IsDivision(p.Factors[i], out var divisor)
                ? acc / Eval(divisor, scope)
                : acc * Eval(p.Factors[i], scope);
        }

        return acc;
    }
}
