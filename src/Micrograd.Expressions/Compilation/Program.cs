using System.Collections.Immutable;
using System.Numerics;
using Micrograd.Expressions.Syntax;

namespace Micrograd.Expressions.Compilation;

/// <summary>
/// The engine's own evaluator: the core tree lowered once to a compact program, an array of instructions over
/// numbered slots (the parameters first, then the constants, then the temporaries, reused once dead), one
/// instruction per operation. Each function runs its row's implementation (<see cref="Function.Implementation"/>,
/// and <see cref="Function.VectorImplementation"/> on lanes), let-bound values are computed once, operations on
/// constants are folded, and sums, products and small whole powers follow <see cref="Steps"/>, so every result is
/// the bits of the LINQ-compiled delegate. It needs no code generation: the tier of hosts without a JIT, and of a
/// young formula under one (<see cref="Tiers"/>). Its loops: one point (<c>Program.Scalar.cs</c>), blocks of
/// points (<c>Program.Batch.cs</c>), and the reverse-mode sweep, which is a program too (<c>Program.Gradient.cs</c>).
/// </summary>
internal sealed partial class Program
{
    /// <summary>What an instruction does; every operand and the target are slots.</summary>
    internal enum Op : byte
    {
        /// <summary><c>t = a + b</c>.</summary>
        Add,

        /// <summary><c>t = a - b</c>.</summary>
        Subtract,

        /// <summary><c>t = a * b</c>.</summary>
        Multiply,

        /// <summary><c>t = a / b</c>.</summary>
        Divide,

        /// <summary><c>t = -a</c>.</summary>
        Negate,

        /// <summary><c>t = Math.Pow(a, b)</c> (the <c>**</c> operator past the unrolled powers).</summary>
        Pow,

        /// <summary><c>t = f(a)</c>, the row's one-argument implementation.</summary>
        Call1,

        /// <summary><c>t = f(a, b)</c>.</summary>
        Call2,

        /// <summary><c>t = f(a, b, c)</c>.</summary>
        Call3,

        /// <summary><c>t = f(a, b, c, d)</c>.</summary>
        Call4,

        /// <summary><c>t = StrongZero.Times(a, b)</c>, reverse mode's strong-zero product.</summary>
        Times,

        /// <summary><c>t = a * b + c</c>, two roundings as the two instructions it replaces (<see cref="Builder.Fuse"/>).</summary>
        MultiplyAdd,

        /// <summary><c>t = a * b - c</c>.</summary>
        MultiplySubtract,

        /// <summary><c>t = c - a * b</c>.</summary>
        SubtractMultiply,

        /// <summary><c>t = StrongZero.Times(a, b) + c</c>, the reverse sweep's accumulation of a contribution.</summary>
        TimesAdd,
    }

    /// <summary>One operation: its target slot, up to four operand slots, and for a call the index of its row's implementation.</summary>
    internal readonly record struct Instruction(Op Op, int Target, int A, int B = 0, int C = 0, int D = 0, int Function = 0);

    private readonly Instruction[] code;
    private readonly double[] constants;
    private readonly int parameters;

    // the first slots of a run: room for the parameters, then the constants in place, copied in with one block copy
    private readonly double[] template;
    private readonly int slots;

    // the rows' implementations, by the instruction's Function index (one array per arity, no cast per call)
    private readonly Func<double, double>[] unary;
    private readonly Func<double, double, double>[] binary;
    private readonly Func<double, double, double, double>[] ternary;
    private readonly Func<double, double, double, double, double>[] quaternary;

    // per unary function, its lane-wise form where it rounds as the scalar one (null elsewhere)
    private readonly Func<Vector<double>, Vector<double>>?[] lanes;

    private Program(Builder b, int[] outputs)
    {
        (code, slots, Outputs) = b.Allocate(outputs);
        constants = [.. b.Constants];
        parameters = b.Parameters;
        template = new double[parameters + constants.Length];
        constants.CopyTo(template, parameters);
        unary = [.. b.Unary.Select(f => (Func<double, double>)f.Implementation)];
        binary = [.. b.Binary.Select(f => (Func<double, double, double>)f.Implementation)];
        ternary = [.. b.Ternary.Select(f => (Func<double, double, double, double>)f.Implementation)];
        quaternary = [.. b.Quaternary.Select(f => (Func<double, double, double, double, double>)f.Implementation)];
        lanes = [.. b.Unary.Select(f => f.VectorImplementation)];
    }

    /// <summary>The slots read after a run: the value first, then (for a gradient) each parameter's derivative.</summary>
    internal int[] Outputs { get; }

    /// <summary>How many instructions run per point.</summary>
    internal int Length => code.Length;

    /// <summary>How many slots a run uses (parameters, constants, temporaries).</summary>
    internal int Slots => slots;

    /// <summary>The value program of a core tree over <paramref name="parameterNames"/>.</summary>
    /// <exception cref="FormulaException">A name is not bound (kind <see cref="FormulaErrorKind.Name"/>).</exception>
    public static Program Lower(Expr tree, IReadOnlyList<string> parameterNames)
    {
        var b = new Builder(parameterNames.Count);
        for (var i = 0; i < parameterNames.Count; i++)
        {
            b.Names[parameterNames[i]] = i;
        }

        return new Program(b, [b.Lower(tree, ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal))]);
    }

    /// <summary>
    /// Builds a program in single assignment (each value a new virtual slot: the parameters first, a constant
    /// a negative number), then gives the virtual slots real ones, reusing a slot once its value is dead.
    /// </summary>
    private sealed class Builder(int parameterCount)
    {
        private readonly List<Instruction> code = [];
        private readonly Dictionary<long, int> constantSlots = [];
        private readonly Dictionary<Function, int> functionIndex = new(ReferenceEqualityComparer.Instance);
        private int next = parameterCount;

        public int Parameters { get; } = parameterCount;

        /// <summary>The slots of the outermost names (the parameters), under the scopes that lets and templates add.</summary>
        public Dictionary<string, int> Names { get; } = new(parameterCount, StringComparer.Ordinal);

        public List<double> Constants { get; } = [];

        public List<Function> Unary { get; } = [];

        public List<Function> Binary { get; } = [];

        public List<Function> Ternary { get; } = [];

        public List<Function> Quaternary { get; } = [];

        public static bool IsConstant(int slot) => slot < 0;

        public double ValueOf(int constant) => Constants[~constant];

        // a constant's virtual slot, one per distinct bits (-0.0 and 0.0 are two)
        public int Constant(double value)
        {
            var bits = BitConverter.DoubleToInt64Bits(value);
            if (!constantSlots.TryGetValue(bits, out var slot))
            {
                slot = ~Constants.Count;
                Constants.Add(value);
                constantSlots[bits] = slot;
            }

            return slot;
        }

        public int Emit(Op op, int a, int b = 0, int c = 0, int d = 0, int function = 0)
        {
            var target = next++;
            code.Add(new Instruction(op, target, a, b, c, d, function));
            return target;
        }

        // a op b, folded to the constant the program would compute when both are constants (and fold is true)
        public int Binary2(Op op, int a, int b, bool fold = true)
        {
            if (fold && IsConstant(a) && IsConstant(b))
            {
                var (x, y) = (ValueOf(a), ValueOf(b));
                return Constant(op switch
                {
                    Op.Add => x + y,
                    Op.Subtract => x - y,
                    Op.Multiply => x * y,
                    Op.Divide => x / y,
                    Op.Pow => Math.Pow(x, y),
                    _ => Calculus.StrongZero.Times(x, y),
                });
            }

            return Emit(op, a, b);
        }

        public int Negate(int a, bool fold = true) => fold && IsConstant(a) ? Constant(-ValueOf(a)) : Emit(Op.Negate, a);

        public int Step(System.Linq.Expressions.ExpressionType op, int acc, int operand, bool fold = true) => Binary2(op switch
        {
            System.Linq.Expressions.ExpressionType.Add => Op.Add,
            System.Linq.Expressions.ExpressionType.Subtract => Op.Subtract,
            System.Linq.Expressions.ExpressionType.Multiply => Op.Multiply,
            _ => Op.Divide,
        }, acc, operand, fold);

        public int Lower(Expr e, ImmutableDictionary<string, int> scope)
        {
            Guards.Stack("lower");

            switch (e)
            {
                case Number n:
                    return Constant(n.Value);
                case Variable v:
                    return scope.TryGetValue(v.Name, out var slot) || Names.TryGetValue(v.Name, out slot) ? slot
                        : throw new FormulaException(FormulaErrorKind.Name, $"unknown name `{v.Name}`");
                case Sum s:
                    return LowerSum(s, scope);
                case Product p:
                    return LowerProduct(p, scope, skipSign: false);
                case Power { Exponent: Number { Value: var k } } p when Steps.IsUnrolled(k):
                    return Unrolled(Lower(p.Base, scope), (int)k);
                case Power p:
                    var powerBase = Lower(p.Base, scope);
                    return Binary2(Op.Pow, powerBase, Lower(p.Exponent, scope));
                case Call { Function: { IsConstant: true } f }:
                    return Constant(f.ConstantValue);
                case Call c:
                    return Call(c.Function, [.. c.Arguments.Select(a => Lower(a, scope))]);
                case Let l:
                    foreach (var binding in l.Bindings)
                    {
                        scope = scope.SetItem(binding.Name, Lower(binding.Value, scope));
                    }

                    return Lower(l.Body, scope);
                default:
                    throw new InvalidOperationException($"unknown node {e.GetType().Name}");
            }
        }

        // the shapes of Steps, read in place (no view built: a sum of many parameters allocates little): a
        // subtracted term without its -1, a product's leading -1 a negation, a later u**-1 a division
        private int LowerSum(Sum s, ImmutableDictionary<string, int> scope)
        {
            var acc = Lower(s.Terms[0], scope);
            for (var i = 1; i < s.Terms.Length; i++)
            {
                acc = Steps.IsSubtraction(s.Terms[i])
                    ? Binary2(Op.Subtract, acc, LowerProduct((Product)s.Terms[i], scope, skipSign: true))
                    : Binary2(Op.Add, acc, Lower(s.Terms[i], scope));
            }

            return acc;
        }

        private int LowerProduct(Product p, ImmutableDictionary<string, int> scope, bool skipSign)
        {
            var negate = Steps.IsNegation(p);
            var start = negate ? 1 : 0;
            var acc = Lower(p.Factors[start], scope);
            if (negate && !skipSign)
            {
                acc = Negate(acc);
            }

            for (var i = start + 1; i < p.Factors.Length; i++)
            {
                acc = Steps.IsDivision(p.Factors[i], out var divisor)
                    ? Binary2(Op.Divide, acc, Lower(divisor, scope))
                    : Binary2(Op.Multiply, acc, Lower(p.Factors[i], scope));
            }

            return acc;
        }

        // u**n as Steps.UnrolledPower multiplies: u*u, u*u*u, (u*u)*(u*u), and 1 over them for n < 0; u**0 is 1
        public int Unrolled(int b, int n)
        {
            if (IsConstant(b))
            {
                return Constant(Steps.UnrolledPower(ValueOf(b), n));
            }

            if (n == 0)
            {
                return Constant(1.0);
            }

            var square = Math.Abs(n) >= 2 ? Emit(Op.Multiply, b, b) : b;
            var magnitude = Math.Abs(n) switch
            {
                1 => b,
                2 => square,
                3 => Emit(Op.Multiply, square, b),
                _ => Emit(Op.Multiply, square, square),
            };
            return n < 0 ? Emit(Op.Divide, Constant(1.0), magnitude) : magnitude;
        }

        // a call: a function defined by a formula has its body written in place (the compiled body computes the
        // same operations); any other runs its row's implementation, folded when every argument is a constant
        public int Call(Function f, int[] args, bool fold = true)
        {
            if (f.Body is { } body)
            {
                var inner = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
                for (var i = 0; i < args.Length; i++)
                {
                    inner = inner.SetItem(f.ParameterNames[i], args[i]);
                }

                return Lower(body, inner);
            }

            if (fold && args.All(IsConstant))
            {
                return Constant(f.Invoke([.. args.Select(ValueOf)]));
            }

            return args.Length switch
            {
                1 => Emit(Op.Call1, args[0], function: IndexOf(f, Unary)),
                2 => Emit(Op.Call2, args[0], args[1], function: IndexOf(f, Binary)),
                3 => Emit(Op.Call3, args[0], args[1], args[2], function: IndexOf(f, Ternary)),
                _ => Emit(Op.Call4, args[0], args[1], args[2], args[3], function: IndexOf(f, Quaternary)),
            };
        }

        private int IndexOf(Function f, List<Function> rows)
        {
            if (!functionIndex.TryGetValue(f, out var index))
            {
                index = rows.Count;
                rows.Add(f);
                functionIndex[f] = index;
            }

            return index;
        }

        /// <summary>
        /// Real slots for the virtual ones: parameters, then constants, then temporaries, a temporary's slot reused
        /// after the last instruction that reads it (the outputs are never reused). An instruction may write the
        /// slot of an operand it reads last: every loop reads a point's operands before it writes its result.
        /// </summary>
        public (Instruction[] Code, int Slots, int[] Outputs) Allocate(int[] outputs)
        {
            Fuse(outputs);
            var temporaries = Parameters + Constants.Count;
            var lastUse = new int[next];
            // an array, not stackalloc: a method with both and loops is compiled optimized at its first call
            var operands = new int[4];
            for (var i = 0; i < code.Count; i++)
            {
                foreach (var operand in operands.AsSpan(0, Operands(code[i], operands)))
                {
                    if (operand >= Parameters)
                    {
                        lastUse[operand] = i;
                    }
                }
            }

            foreach (var output in outputs)
            {
                if (output >= Parameters)
                {
                    lastUse[output] = int.MaxValue;
                }
            }

            var real = new int[next];
            var free = new Stack<int>();
            var count = temporaries;
            var result = new Instruction[code.Count];
            int Map(int slot) => slot < 0 ? Parameters + ~slot : slot < Parameters ? slot : real[slot];
            for (var i = 0; i < code.Count; i++)
            {
                var instruction = code[i];
                var mapped = instruction with
                {
                    A = Map(instruction.A),
                    B = Arity(instruction.Op) > 1 ? Map(instruction.B) : 0,
                    C = Arity(instruction.Op) > 2 ? Map(instruction.C) : 0,
                    D = Arity(instruction.Op) > 3 ? Map(instruction.D) : 0,
                };
                foreach (var operand in operands.AsSpan(0, Operands(instruction, operands)))
                {
                    // freed once, by its last reader (which may read it twice)
                    if (operand >= Parameters && lastUse[operand] == i)
                    {
                        free.Push(real[operand]);
                        lastUse[operand] = -1;
                    }
                }

                real[instruction.Target] = free.Count > 0 ? free.Pop() : count++;
                // a value never read is dead at once
                if (lastUse[instruction.Target] == 0)
                {
                    free.Push(real[instruction.Target]);
                }

                result[i] = mapped with { Target = real[instruction.Target] };
            }

            return (result, count, [.. outputs.Select(Map)]);
        }

        /// <summary>
        /// Superinstructions: a product (or reverse mode's strong-zero product) read only by a sum or difference
        /// becomes one instruction with it (<c>a*b + c</c>, <c>a*b - c</c>, <c>c - a*b</c>), computed where the
        /// sum was, with the same two roundings (no fused multiply-add), so every loop pays one dispatch for both.
        /// A sum's operands may swap sides: IEEE addition of two numbers is commutative to the bit (only which
        /// NaN comes out may differ, and every NaN is one answer to the tiers). A negation read only by a sum or
        /// difference goes into it (<c>a + -b</c> is <c>a - b</c>).
        /// </summary>
        private void Fuse(int[] outputs)
        {
            var uses = new int[next];
            var definedAt = new int[next];
            var operands = new int[4];
            for (var i = 0; i < code.Count; i++)
            {
                definedAt[code[i].Target] = i;
                foreach (var operand in operands.AsSpan(0, Operands(code[i], operands)))
                {
                    if (operand >= Parameters)
                    {
                        uses[operand]++;
                    }
                }
            }

            foreach (var output in outputs)
            {
                if (output >= Parameters)
                {
                    uses[output] += 2;
                }
            }

            // the fused form of y when its operand `slot` is a product read by y alone (`other` the other operand)
            Instruction? Fused(Instruction y, int slot, int other, bool left)
            {
                if (slot < Parameters || uses[slot] != 1)
                {
                    return null;
                }

                var x = code[definedAt[slot]];
                Op? op = (y.Op, x.Op, left) switch
                {
                    (Op.Add, Op.Multiply, _) => Op.MultiplyAdd,
                    (Op.Add, Op.Times, _) => Op.TimesAdd,
                    (Op.Subtract, Op.Multiply, true) => Op.MultiplySubtract,
                    (Op.Subtract, Op.Multiply, false) => Op.SubtractMultiply,
                    _ => null,
                };
                return op is { } fused ? new Instruction(fused, y.Target, x.A, x.B, other) : null;
            }

            // a + -b is a - b, -b + a is a - b, a - -b is a + b: IEEE subtraction is the addition of the negation, to
            // the bit (the reverse sweep's contributions of a difference's right side are negated gradients)
            (Instruction?, int)? Unnegated(Instruction y)
            {
                bool Negated(int slot) => slot >= Parameters && uses[slot] == 1 && code[definedAt[slot]].Op == Op.Negate;
                return (y.Op, Negated(y.A), Negated(y.B)) switch
                {
                    (_, _, true) => (new Instruction(y.Op == Op.Add ? Op.Subtract : Op.Add, y.Target, y.A, code[definedAt[y.B]].A), y.B),
                    (Op.Add, true, _) => (new Instruction(Op.Subtract, y.Target, y.B, code[definedAt[y.A]].A), y.A),
                    _ => null,
                };
            }

            var removed = new bool[code.Count];
            for (var i = 0; i < code.Count; i++)
            {
                var y = code[i];
                if (y.Op is not (Op.Add or Op.Subtract) || y.A == y.B)
                {
                    continue;
                }

                var (fused, product) = Fused(y, y.A, y.B, left: true) is { } l ? (l, y.A)
                    : Fused(y, y.B, y.A, left: false) is { } r ? (r, y.B)
                    : Unnegated(y) is { } n ? n : (default(Instruction?), 0);
                if (fused is { } f)
                {
                    removed[definedAt[product]] = true;
                    code[i] = f;
                }
            }

            var kept = 0;
            for (var i = 0; i < code.Count; i++)
            {
                if (!removed[i])
                {
                    code[kept++] = code[i];
                }
            }

            code.RemoveRange(kept, code.Count - kept);
        }

        private static int Arity(Op op) => op switch
        {
            Op.Negate or Op.Call1 => 1,
            Op.Call3 or Op.MultiplyAdd or Op.MultiplySubtract or Op.SubtractMultiply or Op.TimesAdd => 3,
            Op.Call4 => 4,
            _ => 2,
        };

        // the instruction's operands into `into`; returns how many
        private static int Operands(Instruction i, Span<int> into)
        {
            (into[0], into[1], into[2], into[3]) = (i.A, i.B, i.C, i.D);
            return Arity(i.Op);
        }
    }
}
