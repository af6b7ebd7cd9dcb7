using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using Micrograd.Expressions.Compilation;

namespace Micrograd.Expressions;

/// <summary>Formulas as selectors of LINQ queries, for query providers such as EF Core.</summary>
public sealed partial class Formula
{
    // what ToSelector reads of a row type: trimming keeps them (the public properties and fields it binds by name)
    private const DynamicallyAccessedMemberTypes RowMembers = DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicFields;

    /// <summary>
    /// The formula as a selector over rows of <typeparamref name="T"/>: each parameter is the public property or
    /// field of the same name (case-insensitive, of a numeric type), so
    /// <c>db.Points.Select(f.ToSelector&lt;Point&gt;())</c> and
    /// <c>db.Points.OrderByDescending(f.Derivative("x").ToSelector&lt;Point&gt;())</c> run inside the database.
    /// </summary>
    /// <remarks>
    /// The body is block-free and written with what query providers translate: <see cref="Math"/>'s sin, cos, tan,
    /// asin, acos, atan, atan2, exp, log, log10, sqrt, abs and pow, arithmetic and conditionals (SQL <c>CASE WHEN</c>);
    /// hyperbolic functions, sigmoid, cbrt, sign, relu, heaviside, min and max are written with those (values
    /// within 1e-15 relative of <see cref="Evaluate(double[])"/>, not the same bits; see docs/databases.md). A
    /// function defined by a formula is written out; a formula that calls a host's .NET function is refused (a
    /// database cannot run it, and EF Core would quietly run a final <c>Select</c> on the client).
    /// </remarks>
    /// <typeparam name="T">The row type.</typeparam>
    /// <returns>The selector.</returns>
    /// <exception cref="FormulaException">Kind <see cref="FormulaErrorKind.Name"/>: a parameter has no member of that name.</exception>
    public Expression<Func<T, double>> ToSelector<[DynamicallyAccessedMembers(RowMembers)] T>() => ToSelector<T>(new Dictionary<string, Expression<Func<T, double>>>());

    /// <summary>
    /// The formula as a selector over rows of <typeparamref name="T"/>, with the expressions given for some
    /// parameters (computed columns such as <c>p =&gt; p.X * 2</c>) and a member of the same name for the others.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="columns">Parameter name to an expression over the row.</param>
    /// <returns>The selector.</returns>
    /// <exception cref="FormulaException">Kind <see cref="FormulaErrorKind.Name"/>: a parameter has neither an expression nor a member,
    /// or the formula calls a host's .NET function (which no database can run).</exception>
    public Expression<Func<T, double>> ToSelector<[DynamicallyAccessedMembers(RowMembers)] T>(IReadOnlyDictionary<string, Expression<Func<T, double>>> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var row = Expression.Parameter(typeof(T), "row");
        var members = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead).Cast<MemberInfo>()
            .Concat(typeof(T).GetFields(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => Numeric(m is PropertyInfo p ? p.PropertyType : ((FieldInfo)m).FieldType))
            .ToList();
        var bound = new Dictionary<string, Expression>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var name in Parameters)
        {
            if (columns.TryGetValue(name, out var column))
            {
                bound[name] = new Rebind(column.Parameters[0], row).Visit(column.Body);
                continue;
            }

            var matches = members.Where(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            var member = matches.FirstOrDefault(m => m.Name == name) ?? (matches.Count == 1 ? matches[0] : null);
            if (member is null)
            {
                missing.Add(name);
                continue;
            }

            var access = Expression.MakeMemberAccess(row, member);
            bound[name] = access.Type == typeof(double) ? access : Expression.Convert(access, typeof(double));
        }

        if (missing.Count > 0)
        {
            throw new FormulaException(FormulaErrorKind.Name,
                $"{typeof(T).Name} has no numeric member for the parameter(s) {string.Join(", ", missing.Select(m => $"`{m}`"))}; " +
                $"its numeric members are {(members.Count == 0 ? "none" : string.Join(", ", members.Select(m => m.Name)))} (give an expression for a parameter in the columns map)");
        }

        // a database cannot call the host's .NET code, and EF Core would run a final Select on the client without a word
        if (Syntax.Nodes.Walk(Core).OfType<Syntax.Call>().FirstOrDefault(c => c.Function is { IsBuiltIn: false, IsConstant: false, Body: null }) is { } host)
        {
            throw new FormulaException(FormulaErrorKind.Name,
                $"`{host.Function.Signature}` is a .NET function of the formula's context, which no database can run; define it by a formula (FormulaContext.WithFunction(\"{host.Function.Name}(...) = ...\")) to use it in a query");
        }

        CheckInlinedSize(forQueries: true);
        return Expression.Lambda<Func<T, double>>(Guard(() => LinqCompiler.BlockFree(Core, name => bound[name], forQueries: true)), row);
    }

    private static bool Numeric(Type type) =>
        Type.GetTypeCode(Nullable.GetUnderlyingType(type) ?? type) is TypeCode.Double or TypeCode.Single or TypeCode.Decimal
            or TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.Byte or TypeCode.SByte or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64;

    // the caller's lambda parameter replaced by the selector's own
    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
