using System.Numerics;
using System.Reflection;
using L = System.Linq.Expressions.Expression;
using Q = Micrograd.Expressions.Syntax.QueryForms;

namespace Micrograd.Expressions;

/// <summary>
/// One row of the built-in function table: everything the parser, compiler, differentiator and printers
/// need to know about a function. Named constants (<c>pi</c>, <c>e</c>) are rows of arity 0.
/// </summary>
public sealed class Function
{
    private readonly string[] derivatives;

    private Function(
        string name, string[] parameters, string domain, Delegate? implementation, double constant,
        string[] derivatives, string latex, string csharp, string dynamicLinq)
    {
        Name = name;
        ParameterNames = parameters;
        Domain = domain;
        this.implementation = implementation;
        ConstantValue = constant;
        this.derivatives = derivatives;
        LaTeX = latex;
        CSharp = csharp;
        DynamicLinq = dynamicLinq;
        IsBuiltIn = true;
    }

    // a row of a FormulaContext: a .NET implementation, a formula body, a constant, or a local function's name
    private Function(string name, string[] parameters, double constant, Delegate? implementation, Syntax.Expr? body, bool local)
    {
        Name = name;
        ParameterNames = parameters;
        ConstantValue = constant;
        derivatives = [];
        this.implementation = implementation is not null && implementation.GetType() != DelegateType(parameters.Length)
            ? Delegate.CreateDelegate(DelegateType(parameters.Length), implementation.Target, implementation.Method)
            : implementation;
        Body = body;
        IsLocal = local;
        // saturating: nested functions that call each other twice double this at every level
        InlineNodes = body is null ? 1 : Math.Min(int.MaxValue, Syntax.Budget.WrittenOut(body, int.MaxValue));
        Domain = body is not null ? "as its formula" : implementation is not null ? "as its .NET implementation" : "constant";
        this.method = implementation?.Target is null ? implementation?.Method : null;
        var arguments = string.Join(", ", Enumerable.Range(0, parameters.Length).Select(i => $"{{{i}}}"));
        LaTeX = parameters.Length == 0 ? Syntax.Printer.LaTeXName(name) : $@"\operatorname{{{{{name}}}}}\left({arguments}\right)";
        CSharp = DynamicLinq = parameters.Length == 0 ? name : $"{name}({arguments})";
    }

    /// <summary>The name used in formulas, e.g. <c>sin</c>.</summary>
    public string Name { get; }

    /// <summary>How many arguments the function takes; 0 for a named constant.</summary>
    public int Arity => ParameterNames.Count;

    /// <summary>The parameter names used in <see cref="Signature"/> and in the derivative templates.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Where the function gives a real value; outside it the result is NaN (IEEE), not an exception.</summary>
    public string Domain { get; }

    /// <summary>How the function is called, e.g. <c>atan2(y, x)</c>.</summary>
    public string Signature => Arity == 0 ? Name : $"{Name}({string.Join(", ", ParameterNames)})";

    /// <summary>True for <c>min</c> and <c>max</c>: more arguments than two are read as calls folded left, <c>max(a, b, c)</c> as <c>max(max(a, b), c)</c>.</summary>
    internal bool FoldsLeft { get; private set; }

    /// <summary>True for a named constant such as <c>pi</c> or one added by <see cref="FormulaContext.WithConstant"/>.</summary>
    public bool IsConstant => Arity == 0;

    /// <summary>True for a row of the built-in table (<see cref="FormulaContext.Default"/>).</summary>
    public bool IsBuiltIn { get; }

    /// <summary>True for an F#-style local function of a formula (<c>let sq x = x*x in ...</c>); its body is in the tree.</summary>
    public bool IsLocal { get; }

    /// <summary>The value of a named constant; NaN for a function.</summary>
    public double ConstantValue { get; }

    /// <summary>For a function defined by a formula (<see cref="FormulaContext.WithFunction(string)"/>), its body over <see cref="ParameterNames"/>; else null.</summary>
    public Syntax.Expr? Body { get; }

    /// <summary>The static method a call compiles to (a <see cref="Math"/> member, one of the engine's own, or a host's static method); null for a closure, a formula body or a constant.</summary>
    internal MethodInfo? Method => method ??= IsBuiltIn ? implementation?.Method : null;

    // a built-in row's method is read from its delegate on first use (reading 23 would cost every process's start-up);
    // the delegate names the method directly, so trimming and NativeAOT keep it (no lookup by name)
    private MethodInfo? method;

    private Delegate? implementation;

    /// <summary>
    /// The lane-wise <c>Vector&lt;double&gt;</c> method that rounds exactly as <see cref="Method"/> (IEEE sqrt and
    /// abs), or null: batch loops vectorise only formulas whose every function has one.
    /// </summary>
    internal MethodInfo? VectorMethod => vectorMethod ??= lanes?.Method;

    private MethodInfo? vectorMethod;

    /// <summary>The lane-wise form of the row's function as a delegate, for the engine's own evaluator's batch loop; null where the row has none.</summary>
    internal Func<Vector<double>, Vector<double>>? VectorImplementation => lanes;

    private Func<Vector<double>, Vector<double>>? lanes;

    /// <summary>LaTeX template; <c>{0}</c>, <c>{1}</c> stand for the rendered arguments.</summary>
    internal string LaTeX { get; }

    /// <summary>C# template over <see cref="Math"/>; arguments are inserted already parenthesised.</summary>
    internal string CSharp { get; }

    /// <summary>System.Linq.Dynamic.Core template; arguments are inserted already parenthesised.</summary>
    internal string DynamicLinq { get; }

    /// <summary>SQL template (SQLite 3.35+, PostgreSQL 12+, DuckDB); arguments are inserted already parenthesised.</summary>
    internal string Sql => IsBuiltIn ? SqlTemplates[Name] : CSharp;

    // the built-in functions in the SQL the three databases share; conditionals as CASE WHEN, numbers as doubles
    private static readonly Dictionary<string, string> SqlTemplates = new(StringComparer.Ordinal)
    {
        ["sin"] = "sin({0})",
        ["cos"] = "cos({0})",
        ["tan"] = "tan({0})",
        ["asin"] = "asin({0})",
        ["acos"] = "acos({0})",
        ["atan"] = "atan({0})",
        ["sinh"] = "sinh({0})",
        ["cosh"] = "cosh({0})",
        ["tanh"] = "tanh({0})",
        ["exp"] = "exp({0})",
        ["log"] = "ln({0})",
        ["log10"] = "log10({0})",
        ["log2"] = "(ln({0}) / ln(CAST(2 AS DOUBLE PRECISION)))",
        ["sqrt"] = "sqrt({0})",
        ["abs"] = "abs({0})",
        ["sign"] = "sign({0})",
        ["cbrt"] = "(CASE WHEN {0} < 0 THEN -power(-{0}, CAST(0.3333333333333333 AS DOUBLE PRECISION)) ELSE power({0}, CAST(0.3333333333333333 AS DOUBLE PRECISION)) END)",
        ["relu"] = "(CASE WHEN {0} > 0 THEN {0} ELSE CAST(0 AS DOUBLE PRECISION) END)",
        ["sigmoid"] = "(CAST(1 AS DOUBLE PRECISION) / (1 + exp(-{0})))",
        ["heaviside"] = "(CASE WHEN {0} > 0 THEN CAST(1 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END)",
        ["pow"] = "power({0}, {1})",
        ["min"] = "(CASE WHEN {1} < {0} THEN {1} ELSE {0} END)",
        ["max"] = "(CASE WHEN {1} > {0} THEN {1} ELSE {0} END)",
        ["atan2"] = "atan2({0}, {1})",
        ["pi"] = "pi()",
        ["e"] = "exp(CAST(1 AS DOUBLE PRECISION))",
    };

    /// <summary>Two rows denote the same function: the same row, or local functions of the same name and arity.</summary>
    internal bool SameAs(Function other) =>
        ReferenceEquals(this, other) || (IsLocal && other.IsLocal && Name == other.Name && Arity == other.Arity);

    /// <summary>The partial derivative with respect to parameter <paramref name="argument"/>, as a tree over <see cref="ParameterNames"/>.</summary>
    /// <exception cref="FormulaException">A .NET function registered without its derivatives (kind <see cref="FormulaErrorKind.Name"/>).</exception>
    internal Syntax.Expr Derivative(int argument)
    {
        if (derivativeTrees is null)
        {
            if (deriveBody is not null)
            {
                Interlocked.CompareExchange(ref derivativeTrees, deriveBody(), null);
            }
            else if (IsBuiltIn)
            {
                var trees = derivatives.Select(d => Syntax.Reader.Read(d, Syntax.FunctionTable.BuiltIn, FormulaOptions.Default, ParameterNames).Tree).ToArray();
                Interlocked.CompareExchange(ref derivativeTrees, trees, null);
            }
            else
            {
                throw new FormulaException(FormulaErrorKind.Name,
                    $"function `{Signature}` has no derivative: register it with its partial derivatives (FormulaContext.WithFunction(\"{Signature}\", implementation, derivatives...)) to differentiate it");
            }
        }

        return derivativeTrees![argument];
    }

    private Syntax.Expr[]? derivativeTrees;

    /// <summary>The compiled implementation: the method's delegate, the host's delegate, or the compiled body.</summary>
    internal Delegate Implementation
    {
        get
        {
            if (implementation is null && compileBody is not null)
            {
                Interlocked.CompareExchange(ref implementation, compileBody(), null);
            }

            return implementation ?? throw new InvalidOperationException($"`{Name}` is not callable");
        }
    }

    /// <summary>Evaluates the function on constant arguments, exactly as compiled code would.</summary>
    internal double Invoke(ReadOnlySpan<double> args) => Arity switch
    {
        0 => ConstantValue,
        1 => ((Func<double, double>)Implementation)(args[0]),
        2 => ((Func<double, double, double>)Implementation)(args[0], args[1]),
        3 => ((Func<double, double, double, double>)Implementation)(args[0], args[1], args[2]),
        _ => ((Func<double, double, double, double, double>)Implementation)(args[0], args[1], args[2], args[3]),
    };

    /// <summary>
    /// A call of the function in a LINQ expression tree: a static method call, an instance method call on a
    /// closure's target, or (for compiled delegates) one delegate invoke.
    /// </summary>
    internal System.Linq.Expressions.Expression CallExpression(IEnumerable<System.Linq.Expressions.Expression> args)
    {
        if (Method is not null)
        {
            return System.Linq.Expressions.Expression.Call(Method, args);
        }

        var implementation = Implementation;
        // (a delegate the interpreter made, where there is no dynamic code, names its delegate type's Invoke with
        // another delegate as its target: that one is invoked as a delegate)
        if (implementation is { Target: { } target, Method: { IsStatic: false, DeclaringType: { } owner } method } && implementation.HasSingleTarget
            && owner.IsInstanceOfType(target))
        {
            return System.Linq.Expressions.Expression.Call(System.Linq.Expressions.Expression.Constant(target), method, args);
        }

        return System.Linq.Expressions.Expression.Invoke(System.Linq.Expressions.Expression.Constant(implementation, DelegateType(Arity)), args);
    }

    /// <summary>
    /// For a function defined by a formula, how many nodes its body has with the bodies of the functions it calls
    /// written in place (at most <see cref="int.MaxValue"/>): compiled code writes the body in place up to a few
    /// hundred, and calls it above; a definition or a formula whose calls write out past
    /// <see cref="FormulaOptions.MaxResultNodes"/> is refused (<see cref="Syntax.Budget.WritesOutTooLarge"/>).
    /// </summary>
    internal long InlineNodes { get; }

    /// <summary>The most parameters a function takes: a host's or a defined function has one to four.</summary>
    internal const int MaxParameters = 4;

    /// <summary>The one wording of a function with more than <see cref="MaxParameters"/> parameters.</summary>
    internal static string TooManyParameters(string name, int count) => $"`{name}` has {count} parameters; a function takes one to four";

    /// <summary>The <c>Func</c> type of a function of <paramref name="arity"/> doubles (0 to <see cref="MaxParameters"/>).</summary>
    internal static Type DelegateType(int arity) => arity switch
    {
        0 => typeof(Func<double>),
        1 => typeof(Func<double, double>),
        2 => typeof(Func<double, double, double>),
        3 => typeof(Func<double, double, double, double>),
        4 => typeof(Func<double, double, double, double, double>),
        _ => throw new ArgumentOutOfRangeException(nameof(arity), arity, $"a function takes at most {MaxParameters} arguments"),
    };

    /// <summary>A host's .NET function of a context; its derivative trees, when given, are set by <see cref="WithDerivatives"/>.</summary>
    internal static Function Host(string name, string[] parameters, Delegate implementation) =>
        new(name, parameters, double.NaN, implementation, null, local: false);

    /// <summary>
    /// A function of a context defined by a formula over <paramref name="parameters"/>. The row is data: its
    /// maker, which sees the differentiator and the compiler, gives how to differentiate and compile the body
    /// (each done once, on first use).
    /// </summary>
    internal static Function Defined(string name, string[] parameters, Syntax.Expr body, Func<Syntax.Expr[]> derive, Func<Delegate> compile) =>
        new(name, parameters, double.NaN, null, body, local: false) { deriveBody = derive, compileBody = compile };

    private Func<Syntax.Expr[]>? deriveBody;

    private Func<Delegate>? compileBody;

    /// <summary>A named constant of a context.</summary>
    internal static Function Constant(string name, double value) =>
        new(name, [], value, null, null, local: false);

    /// <summary>The row a call of a local function refers to (its body is in the formula's tree).</summary>
    internal static Function Local(string name, string[] parameters) =>
        new(name, parameters, double.NaN, null, null, local: true);

    /// <summary>Sets the partial derivatives of a host function, once, before the row is shared.</summary>
    internal void WithDerivatives(Syntax.Expr[] trees) => derivativeTrees = trees;

    /// <inheritdoc/>
    public override string ToString() => Signature;

    // a row's method is given as a delegate (Math.Sin), so trimming and NativeAOT see it used; method names its
    // Math member for the C# and Dynamic LINQ templates
    private static Function F(string name, string domain, Func<double, double> implementation, string method, string derivative, string latex, string? csharp = null, string? dynamicLinq = null) =>
        new(name, ["x"], domain, implementation, double.NaN, [derivative], latex,
            csharp ?? $"Math.{method}({{0}})", dynamicLinq ?? csharp ?? $"Math.{method}({{0}})");

    private static Function F2(string name, string[] parameters, string domain, Func<double, double, double> implementation, string method, string[] derivatives, string latex, string? csharp = null, string? dynamicLinq = null) =>
        new(name, parameters, domain, implementation, double.NaN, derivatives, latex,
            csharp ?? $"Math.{method}({{0}}, {{1}})", dynamicLinq ?? csharp ?? $"Math.{method}({{0}}, {{1}})");

    // the row takes two or more arguments, folded left (SymPy's, math.js's and NCalc's n-ary min and max)
    private Function FoldingLeft()
    {
        FoldsLeft = true;
        return this;
    }

    // the row with its lane-wise form: the Vector method, for double (its MethodInfo read on first use)
    private Function WithLanes(Func<Vector<double>, Vector<double>> lanewise)
    {
        lanes = lanewise;
        return this;
    }

    /// <summary>
    /// The call written for a LINQ query provider with what providers translate (<see cref="Syntax.QueryForms"/>),
    /// over the arguments' expressions; null when the function translates as it is.
    /// </summary>
    internal Func<L[], L>? QueryForm { get; private set; }

    // the row with its query form
    private Function ForQueries(Func<L[], L> form)
    {
        QueryForm = form;
        return this;
    }

    private static Function C(string name, double value, string latex, string csharp) =>
        new(name, [], "constant", null, value, [], latex, csharp, csharp);

    /// <summary>
    /// The table. One row per function: name, domain, the method it compiles to, the derivative of each
    /// argument as a template, then LaTeX, C# and Dynamic LINQ renderings, and for a function query providers lack,
    /// its query form.
    /// Convention at kinks: the slope there is 0 (micrograd's and PyTorch's for relu and abs): abs'(0) = sign(0) = 0,
    /// relu'(0) = heaviside(0) = 0, and at a tie of min or max the slope goes to the second argument (0 to the
    /// first), so max(x, 0) and relu(x) agree at 0 and the partials of min(x, x) still add up to 1.
    /// The C# and Dynamic LINQ renderings compute what the engine computes (min and max as conditionals, not
    /// Math.Min and Math.Max, which differ at NaN and at zeros of opposite signs); Dynamic LINQ's have no zero
    /// literal where a zero is a result (see the printer's numbers).
    /// </summary>
    internal static readonly Function[] All =
    [
        F("sin", "all reals", Math.Sin, nameof(Math.Sin), "cos(x)", @"\sin\left({0}\right)"),
        F("cos", "all reals", Math.Cos, nameof(Math.Cos), "-sin(x)", @"\cos\left({0}\right)"),
        F("tan", "x ≠ π/2 + kπ", Math.Tan, nameof(Math.Tan), "1 + tan(x)**2", @"\tan\left({0}\right)"),
        F("asin", "-1 ≤ x ≤ 1", Math.Asin, nameof(Math.Asin), "1/sqrt(1 - x**2)", @"\arcsin\left({0}\right)"),
        F("acos", "-1 ≤ x ≤ 1", Math.Acos, nameof(Math.Acos), "-1/sqrt(1 - x**2)", @"\arccos\left({0}\right)"),
        F("atan", "all reals", Math.Atan, nameof(Math.Atan), "1/(1 + x**2)", @"\arctan\left({0}\right)"),
        F("sinh", "all reals", Math.Sinh, nameof(Math.Sinh), "cosh(x)", @"\sinh\left({0}\right)")
            .ForQueries(a => Q.Near0(a[0], L.Add(a[0], Q.Cube(a[0], 1.0 / 6)), L.Divide(L.Subtract(Q.Exp(a[0]), Q.Exp(L.Negate(a[0]))), Q.C(2)))),
        F("cosh", "all reals", Math.Cosh, nameof(Math.Cosh), "sinh(x)", @"\cosh\left({0}\right)")
            .ForQueries(a => L.Divide(L.Add(Q.Exp(a[0]), Q.Exp(L.Negate(a[0]))), Q.C(2))),
        F("tanh", "all reals", Math.Tanh, nameof(Math.Tanh), "1 - tanh(x)**2", @"\tanh\left({0}\right)")
            .ForQueries(a => Q.If(L.GreaterThan(a[0], Q.C(Q.Saturated)), Q.C(1), Q.If(L.LessThan(a[0], Q.C(-Q.Saturated)), Q.C(-1),
                Q.Near0(a[0], L.Subtract(a[0], Q.Cube(a[0], 1.0 / 3)), L.Divide(L.Subtract(Q.Exp(L.Multiply(Q.C(2), a[0])), Q.C(1)), L.Add(Q.Exp(L.Multiply(Q.C(2), a[0])), Q.C(1))))))),
        F("exp", "all reals", Math.Exp, nameof(Math.Exp), "exp(x)", @"e^{{{0}}}"),
        F("log", "x > 0 (log(0) = -Infinity)", Math.Log, nameof(Math.Log), "1/x", @"\ln\left({0}\right)"),
        F("log10", "x > 0 (log10(0) = -Infinity)", Math.Log10, nameof(Math.Log10), "1/(log(10)*x)", @"\log_{{10}}\left({0}\right)"),
        F("log2", "x > 0 (log2(0) = -Infinity)", Math.Log2, "Log2", "1/(log(2)*x)", @"\log_{{2}}\left({0}\right)")
            .ForQueries(a => L.Divide(Q.Log(a[0]), Q.C(Math.Log(2)))),
        F("sqrt", "x ≥ 0", Math.Sqrt, nameof(Math.Sqrt), "1/(2*sqrt(x))", @"\sqrt{{{0}}}").WithLanes(Vector.SquareRoot),
        F("cbrt", "all reals", Math.Cbrt, "Cbrt", "1/(3*cbrt(x)**2)", @"\sqrt[3]{{{0}}}")
            .ForQueries(a => Q.If(L.LessThan(a[0], Q.C(0)), L.Negate(Q.Pow(L.Negate(a[0]), Q.C(1.0 / 3))), Q.Pow(a[0], Q.C(1.0 / 3)))),
        F("abs", "all reals", Math.Abs, nameof(Math.Abs), "sign(x)", @"\left|{0}\right|").WithLanes(Vector.Abs),
        F("sign", "all reals (sign(0) = 0)", Builtins.Sign, nameof(Builtins.Sign), "0", @"\operatorname{{sign}}\left({0}\right)",
            "({0} > 0.0 ? 1.0 : {0} < 0.0 ? -1.0 : {0})")
            .ForQueries(a => Q.If(L.GreaterThan(a[0], Q.C(0)), Q.C(1), Q.If(L.LessThan(a[0], Q.C(0)), Q.C(-1), a[0]))),
        F("relu", "all reals", Builtins.Relu, nameof(Builtins.Relu), "heaviside(x)", @"\operatorname{{relu}}\left({0}\right)",
            "Math.Max({0}, 0.0)", "Math.Max({0}, (1.0 - 1.0))")
            .ForQueries(a => Q.If(L.GreaterThan(a[0], Q.C(0)), a[0], Q.C(0))),
        F("sigmoid", "all reals", Builtins.Sigmoid, nameof(Builtins.Sigmoid), "sigmoid(x)*(1 - sigmoid(x))", @"\sigma\left({0}\right)",
            "(1.0 / (1.0 + Math.Exp(-{0})))")
            .ForQueries(a => L.Divide(Q.C(1), L.Add(Q.C(1), Q.Exp(L.Negate(a[0]))))),
        F("heaviside", "all reals (heaviside(0) = 0)", Builtins.Heaviside, nameof(Builtins.Heaviside), "0", @"H\left({0}\right)",
            "({0} > 0.0 ? 1.0 : {0} <= 0.0 ? 0.0 : {0})", "({0} > 0.0 ? 1.0 : {0} <= 0.0 ? (1.0 - 1.0) : {0})")
            .ForQueries(a => Q.If(L.GreaterThan(a[0], Q.C(0)), Q.C(1), Q.C(0))),
        F2("pow", ["x", "y"], "as x**y", Math.Pow, nameof(Math.Pow), ["y*x**(y - 1)", "x**y*log(x)"], @"{{{0}}}^{{{1}}}"),
        F2("min", ["x", "y"], "all reals (Python's: y when y < x, else x)", Builtins.Min, nameof(Builtins.Min), ["heaviside(y - x)", "1 - heaviside(y - x)"], @"\min\left({0}, {1}\right)",
            "({1} < {0} ? {1} : {0})").FoldingLeft()
            .ForQueries(a => Q.If(L.LessThan(a[1], a[0]), a[1], a[0])),
        F2("max", ["x", "y"], "all reals (Python's: y when y > x, else x)", Builtins.Max, nameof(Builtins.Max), ["heaviside(x - y)", "1 - heaviside(x - y)"], @"\max\left({0}, {1}\right)",
            "({1} > {0} ? {1} : {0})").FoldingLeft()
            .ForQueries(a => Q.If(L.GreaterThan(a[1], a[0]), a[1], a[0])),
        F2("atan2", ["y", "x"], "all reals (atan2(0, 0) = 0)", Math.Atan2, nameof(Math.Atan2), ["x/(x**2 + y**2)", "-y/(x**2 + y**2)"], @"\operatorname{{atan2}}\left({0}, {1}\right)"),
        C("pi", Math.PI, @"\pi", "Math.PI"),
        C("e", Math.E, "e", "Math.E"),
    ];

    // a plain dictionary: a frozen one reads as fast for 26 names but costs every process's start-up to build
    private static readonly Dictionary<string, Function> ByName = Index();

    // a loop, not LINQ: its generic instantiations over value types would be compiled at every start-up
    private static Dictionary<string, Function> Index()
    {
        var byName = new Dictionary<string, Function>(All.Length + 1, StringComparer.Ordinal);
        foreach (var row in All)
        {
            byName.Add(row.Name, row);
        }

        byName.Add("ln", byName["log"]);
        return byName;
    }

    /// <summary>Looks a function or constant up by name (aliases such as <c>ln</c> included).</summary>
    /// <param name="name">The name as written in a formula.</param>
    /// <param name="function">The row, when found.</param>
    /// <returns>True when the name is a built-in function or constant.</returns>
    internal static bool TryLookup(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Function? function) =>
        ByName.TryGetValue(name, out function);

    /// <summary>Every built-in function and constant, in table order.</summary>
    internal static IReadOnlyList<Function> Table => All;

    /// <summary>Looks a row up by its name; for the engine's own rules.</summary>
    internal static Function Named(string name) => ByName[name];
}

/// <summary>The functions of the language that <see cref="Math"/> lacks, with IEEE behaviour on NaN.</summary>
internal static class Builtins
{
    /// <summary>1 for positive, -1 for negative, the argument itself for ±0 and NaN.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>The sign as a double.</returns>
    public static double Sign(double x) => x > 0 ? 1.0 : x < 0 ? -1.0 : x;

    /// <summary><c>max(x, 0)</c>; NaN stays NaN.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>The rectified value.</returns>
    public static double Relu(double x) => x > 0 ? x : x <= 0 ? 0.0 : x;

    /// <summary>The logistic function <c>1/(1 + exp(-x))</c>.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>A value in [0, 1].</returns>
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>
    /// Python's <c>min(x, y)</c>: <c>y</c> when <c>y &lt; x</c>, else <c>x</c>. So a tie, ±0 or a NaN in <c>y</c>
    /// gives <c>x</c> (<c>min(-0.0, 0.0)</c> is -0.0, <c>min(1, NaN)</c> is 1, <c>min(NaN, 1)</c> is NaN), unlike
    /// <see cref="Math.Min(double, double)"/>. Every evaluation tier computes exactly this.
    /// </summary>
    /// <param name="x">The first argument.</param>
    /// <param name="y">The second argument.</param>
    /// <returns>The smaller argument, the first on a tie.</returns>
    public static double Min(double x, double y) => y < x ? y : x;

    /// <summary>
    /// Python's <c>max(x, y)</c>: <c>y</c> when <c>y &gt; x</c>, else <c>x</c> (<c>max(-0.0, 0.0)</c> is -0.0,
    /// <c>max(1, NaN)</c> is 1, <c>max(NaN, 1)</c> is NaN), unlike <see cref="Math.Max(double, double)"/>.
    /// </summary>
    /// <param name="x">The first argument.</param>
    /// <param name="y">The second argument.</param>
    /// <returns>The larger argument, the first on a tie.</returns>
    public static double Max(double x, double y) => y > x ? y : x;

    /// <summary>The unit step: 1 for positive, 0 for zero and negative, NaN for NaN.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>0, 1 or NaN.</returns>
    public static double Heaviside(double x) => x > 0 ? 1.0 : x <= 0 ? 0.0 : x;
}
