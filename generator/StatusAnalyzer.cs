using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Http.Client.Generator
{
    /// <summary>
    /// Status literals where a status is meant: compared with one (<c>r.Status == 404</c>, <c>case 404:</c>,
    /// <c>is 404</c>, a switch-expression arm) or assigned to one (<c>status = 404</c>, <c>int status = 404</c>).
    /// A code that a status spec in the compilation defines gets HTTP1007 (use the constant; a code fix writes it); one
    /// that none defines gets HTTP1008. "A status" is <c>HttpResponse.Status</c> or any int variable, field, parameter
    /// or property named <c>status</c>/<c>statusCode</c> or ending in <c>Status</c>/<c>StatusCode</c>.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class StatusAnalyzer : DiagnosticAnalyzer
    {
        private const string LibraryStatusCodes = "Http.StatusCodes";

        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.UseStatusConstant,
            DiagnosticDescriptors.UndefinedStatus);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                if (LibraryReference.Connection(start.Compilation) is null)
                {
                    return;
                }

                var table = new Lazy<Dictionary<int, (string Type, string Member)>>(() => ReadStatusCodes(start.Compilation), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
                start.RegisterOperationAction(
                    operation => AnalyzeComparison(operation, table),
                    OperationKind.Binary);
                start.RegisterOperationAction(
                    operation => AnalyzeCaseValue(operation, table),
                    OperationKind.CaseClause);
                start.RegisterOperationAction(
                    operation => AnalyzePattern(operation, table),
                    OperationKind.ConstantPattern);
                start.RegisterOperationAction(
                    operation => AnalyzeAssignment(operation, table),
                    OperationKind.SimpleAssignment,
                    OperationKind.VariableDeclarator);
            });
        }

        private static void AnalyzeComparison(OperationAnalysisContext context, Lazy<Dictionary<int, (string, string)>> table)
        {
            var binary = (IBinaryOperation)context.Operation;
            if (binary.OperatorKind is not (BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals))
            {
                return;
            }

            if (IsStatus(binary.LeftOperand))
            {
                CheckLiteral(context, binary.RightOperand, table);
            }
            else if (IsStatus(binary.RightOperand))
            {
                CheckLiteral(context, binary.LeftOperand, table);
            }
        }

        /// <summary><c>case 404:</c> in a switch statement over a status.</summary>
        private static void AnalyzeCaseValue(OperationAnalysisContext context, Lazy<Dictionary<int, (string, string)>> table)
        {
            if (context.Operation is ISingleValueCaseClauseOperation clause && clause.Parent?.Parent is ISwitchOperation switchOperation && IsStatus(switchOperation.Value))
            {
                CheckLiteral(context, clause.Value, table);
            }
        }

        /// <summary><c>404 =&gt;</c>, <c>is 404</c>, <c>case 404 when ...:</c>, <c>is 404 or 410</c> over a status.</summary>
        private static void AnalyzePattern(OperationAnalysisContext context, Lazy<Dictionary<int, (string, string)>> table)
        {
            var pattern = (IConstantPatternOperation)context.Operation;
            IOperation? parent = pattern.Parent;
            while (parent is IBinaryPatternOperation or INegatedPatternOperation)
            {
                parent = parent.Parent;
            }

            IOperation? input = parent switch
            {
                IIsPatternOperation isPattern => isPattern.Value,
                ISwitchExpressionArmOperation { Parent: ISwitchExpressionOperation switchExpression } => switchExpression.Value,
                IPatternCaseClauseOperation { Parent.Parent: ISwitchOperation switchOperation } => switchOperation.Value,
                _ => null,
            };
            if (input is not null && IsStatus(input))
            {
                CheckLiteral(context, pattern.Value, table);
            }
        }

        private static void AnalyzeAssignment(OperationAnalysisContext context, Lazy<Dictionary<int, (string, string)>> table)
        {
            switch (context.Operation)
            {
                case ISimpleAssignmentOperation assignment when IsStatus(assignment.Target):
                    CheckLiteral(context, assignment.Value, table);
                    break;
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator
                    when IsIntegral(declarator.Symbol.Type) && IsStatusName(declarator.Symbol.Name):
                    CheckLiteral(context, initializer.Value, table);
                    break;
            }
        }

        private static void CheckLiteral(OperationAnalysisContext context, IOperation operation, Lazy<Dictionary<int, (string Type, string Member)>> table)
        {
            if (LibraryReference.WithoutConversions(operation) is not ILiteralOperation { ConstantValue: { HasValue: true, Value: int value } } literal)
            {
                return;
            }

            // 0, -1 and the like are sentinels, not statuses: only three-digit codes are judged.
            if (value < 100 || value > 999)
            {
                return;
            }

            string text = value.ToString(CultureInfo.InvariantCulture);
            if (table.Value.TryGetValue(value, out (string Type, string Member) constant))
            {
                string shortType = constant.Type.Substring(constant.Type.LastIndexOf('.') + 1);
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UseStatusConstant,
                    literal.Syntax.GetLocation(),
                    ConstantProperties.Create(constant.Type, constant.Member),
                    text,
                    shortType + "." + constant.Member));
            }
            else
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UndefinedStatus, literal.Syntax.GetLocation(), text));
            }
        }

        private static bool IsStatus(IOperation operation)
        {
            operation = LibraryReference.WithoutConversions(operation);
            (ISymbol? symbol, ITypeSymbol? type) = operation switch
            {
                IPropertyReferenceOperation p => ((ISymbol?)p.Property, p.Property.Type),
                IFieldReferenceOperation f => (f.Field, f.Field.Type),
                ILocalReferenceOperation l => (l.Local, l.Local.Type),
                IParameterReferenceOperation p => (p.Parameter, p.Parameter.Type),
                _ => (null, null),
            };
            return symbol is not null && IsIntegral(type) && IsStatusName(symbol.Name);
        }

        private static bool IsIntegral(ITypeSymbol? type)
            => type is not null
                && (type.SpecialType == SpecialType.System_Int32
                    || (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable && nullable.TypeArguments[0].SpecialType == SpecialType.System_Int32));

        internal static bool IsStatusName(string name)
            => string.Equals(name, "status", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "statusCode", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith("Status", StringComparison.Ordinal)
                || name.EndsWith("StatusCode", StringComparison.Ordinal);

        /// <summary>
        /// Every status constant the compilation can see: the library's <c>Http.StatusCodes</c> and each generated
        /// <c>StatusCodes</c> of the project's own specs, which win (they extend the library's and are in the project's
        /// namespace). The first member per value is the row's name; aliases come after the rows.
        /// </summary>
        private static Dictionary<int, (string Type, string Member)> ReadStatusCodes(Compilation compilation)
        {
            var codes = new Dictionary<int, (string, string)>();
            var types = new List<INamedTypeSymbol>();
            CollectStatusCodes(compilation.Assembly.GlobalNamespace, types);
            if (compilation.GetTypeByMetadataName(LibraryStatusCodes) is INamedTypeSymbol library)
            {
                types.Add(library);
            }

            foreach (INamedTypeSymbol type in types)
            {
                string name = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
                foreach (ISymbol member in type.GetMembers())
                {
                    if (member is IFieldSymbol { IsConst: true, ConstantValue: int value } field && !codes.ContainsKey(value))
                    {
                        codes.Add(value, (name, field.Name));
                    }
                }
            }

            return codes;
        }

        private static void CollectStatusCodes(INamespaceSymbol ns, List<INamedTypeSymbol> types)
        {
            foreach (INamespaceOrTypeSymbol member in ns.GetMembers())
            {
                if (member is INamespaceSymbol child)
                {
                    CollectStatusCodes(child, types);
                }
                else if (member is INamedTypeSymbol { Name: "StatusCodes", IsStatic: true } type && type.Locations.Length > 0 && type.Locations[0].IsInSource)
                {
                    types.Add(type);
                }
            }
        }
    }
}
