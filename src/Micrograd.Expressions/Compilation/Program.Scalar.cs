using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Micrograd.Expressions.Compilation;

// The scalar loop: one point, every instruction in turn, over slots on the stack (or pooled, for a large program).
internal sealed partial class Program
{
    // slots up to this many live on the stack
    private const int StackSlots = 256;

    // slots up to this many are one fixed-size block on the stack
    private const int SmallSlots = 16;

    /// <summary>The value at <paramref name="arguments"/> (one per parameter, in order).</summary>
    [SkipLocalsInit] // every slot is written (parameters, constants) before it is read
    public double Evaluate(ReadOnlySpan<double> arguments)
    {
        if (slots > StackSlots)
        {
            return EvaluatePooled(arguments);
        }

        // no loop in this method: one with stackalloc and a loop is compiled optimized at its first call. A small
        // program's slots are a block of fixed size (a frame of known size: no stack probe)
        Span<double> s = slots <= SmallSlots ? stackalloc double[SmallSlots] : stackalloc double[slots];
        Load(arguments, s);
        Execute(s);
        return s[Outputs[0]];
    }

    private double EvaluatePooled(ReadOnlySpan<double> arguments)
    {
        var rented = ArrayPool<double>.Shared.Rent(slots);
        try
        {
            var s = rented.AsSpan(0, slots);
            Load(arguments, s);
            Execute(s);
            return s[Outputs[0]];
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>Runs the program at <paramref name="arguments"/> into <paramref name="s"/> (at least <see cref="Slots"/> long), for a caller that reads several outputs.</summary>
    public void Run(ReadOnlySpan<double> arguments, Span<double> s)
    {
        Load(arguments, s);
        Execute(s);
    }

    // the arguments, then the constants from the template (a short program's few slots by a loop: a block copy's
    // call costs more)
    private void Load(ReadOnlySpan<double> arguments, Span<double> s)
    {
        arguments = arguments[..parameters];
        if (template.Length > SmallSlots || s.Length < template.Length)
        {
            template.CopyTo(s);
            arguments.CopyTo(s);
            return;
        }

        ref var r = ref MemoryMarshal.GetReference(s);
        ref var from = ref MemoryMarshal.GetArrayDataReference(template);
        for (var k = 0; k < arguments.Length; k++)
        {
            Unsafe.Add(ref r, k) = arguments[k];
        }

        for (var k = arguments.Length; k < template.Length; k++)
        {
            Unsafe.Add(ref r, k) = Unsafe.Add(ref from, k);
        }
    }

    // every slot an instruction names is below `slots` (the allocator numbers them), so once s is that long the
    // loop reads and writes it without bounds checks: a dispatch is the instruction's load, the switch and its work
    private void Execute(Span<double> s)
    {
        if (s.Length < slots)
        {
            throw new ArgumentException("fewer slots than the program uses", nameof(s));
        }

        ref var r = ref MemoryMarshal.GetReference(s);
        ref var first = ref MemoryMarshal.GetArrayDataReference(code);
        for (var k = 0; k < code.Length; k++)
        {
            ref readonly var i = ref Unsafe.Add(ref first, k);
            var a = Unsafe.Add(ref r, i.A);
            var b = Unsafe.Add(ref r, i.B);
            Unsafe.Add(ref r, i.Target) = i.Op switch
            {
                Op.Add => a + b,
                Op.Subtract => a - b,
                Op.Multiply => a * b,
                Op.Divide => a / b,
                Op.Negate => -a,
                Op.MultiplyAdd => (a * b) + Unsafe.Add(ref r, i.C),
                Op.MultiplySubtract => (a * b) - Unsafe.Add(ref r, i.C),
                Op.SubtractMultiply => Unsafe.Add(ref r, i.C) - (a * b),
                Op.TimesAdd => Calculus.StrongZero.Times(a, b) + Unsafe.Add(ref r, i.C),
                Op.Times => Calculus.StrongZero.Times(a, b),
                Op.Pow => Math.Pow(a, b),
                Op.Call1 => unary[i.Function](a),
                Op.Call2 => binary[i.Function](a, b),
                Op.Call3 => ternary[i.Function](a, b, Unsafe.Add(ref r, i.C)),
                _ => quaternary[i.Function](a, b, Unsafe.Add(ref r, i.C), Unsafe.Add(ref r, i.D)),
            };
        }
    }

    /// <summary>The program as a delegate over an array in parameter order.</summary>
    public Func<double[], double> ToArrayDelegate() => values => Evaluate(values);

    /// <summary>
    /// The program as a delegate of type <paramref name="delegateType"/>, a <c>Func</c> of up to four doubles to a
    /// double (checked by the caller), made without code generation: a closure over the program. Null for another type.
    /// </summary>
    public Delegate? ToDelegate(Type delegateType) => delegateType switch
    {
        _ when delegateType == typeof(Func<double>) => new Func<double>(() => Evaluate([])),
        _ when delegateType == typeof(Func<double, double>) => new Func<double, double>(a => Evaluate([a])),
        _ when delegateType == typeof(Func<double, double, double>) => new Func<double, double, double>((a, b) => Evaluate([a, b])),
        _ when delegateType == typeof(Func<double, double, double, double>) => new Func<double, double, double, double>((a, b, c) => Evaluate([a, b, c])),
        _ when delegateType == typeof(Func<double, double, double, double, double>) =>
            new Func<double, double, double, double, double>((a, b, c, d) => Evaluate([a, b, c, d])),
        _ => null,
    };

    /// <summary>
    /// As <see cref="ToDelegate(Type)"/>, but the delegate runs the program for its first
    /// <see cref="Tiers.PromoteAfterCalls"/> calls and from then on the delegate <paramref name="compile"/> makes
    /// (of the same type): a fresh delegate's first calls need no code generation, a busy one reaches compiled speed.
    /// </summary>
    public Delegate? ToDelegate(Type delegateType, Func<Delegate> compile) => ToDelegate(delegateType) switch
    {
        Func<double> slow => Promoting(slow, compile),
        Func<double, double> slow => Promoting(slow, compile),
        Func<double, double, double> slow => Promoting(slow, compile),
        Func<double, double, double, double> slow => Promoting(slow, compile),
        Func<double, double, double, double, double> slow => Promoting(slow, compile),
        _ => null,
    };

    // one per shape, so that a call once promoted is a field read, a test and the compiled delegate's call
    private static Func<double> Promoting(Func<double> slow, Func<Delegate> compile)
    {
        Func<double>? fast = null;
        var calls = 0;
        return () => (fast ?? Tiers.Promote(ref fast, ref calls, slow, () => (Func<double>)compile()))();
    }

    private static Func<double, double> Promoting(Func<double, double> slow, Func<Delegate> compile)
    {
        Func<double, double>? fast = null;
        var calls = 0;
        return a => (fast ?? Tiers.Promote(ref fast, ref calls, slow, () => (Func<double, double>)compile()))(a);
    }

    private static Func<double, double, double> Promoting(Func<double, double, double> slow, Func<Delegate> compile)
    {
        Func<double, double, double>? fast = null;
        var calls = 0;
        return (a, b) => (fast ?? Tiers.Promote(ref fast, ref calls, slow, () => (Func<double, double, double>)compile()))(a, b);
    }

    private static Func<double, double, double, double> Promoting(Func<double, double, double, double> slow, Func<Delegate> compile)
    {
        Func<double, double, double, double>? fast = null;
        var calls = 0;
        return (a, b, c) => (fast ?? Tiers.Promote(ref fast, ref calls, slow, () => (Func<double, double, double, double>)compile()))(a, b, c);
    }

    private static Func<double, double, double, double, double> Promoting(Func<double, double, double, double, double> slow, Func<Delegate> compile)
    {
        Func<double, double, double, double, double>? fast = null;
        var calls = 0;
        return (a, b, c, d) => (fast ?? Tiers.Promote(ref fast, ref calls, slow, () => (Func<double, double, double, double, double>)compile()))(a, b, c, d);
    }
}
