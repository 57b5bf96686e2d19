import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
} from 'graphql';
import {
  Project,
  StructureKind,
  type InterfaceDeclarationStructure,
  type OptionalKind,
  type PropertySignatureStructure,
  type SourceFile,
  type TypeAliasDeclarationStructure,
} from 'ts-morph';

import { argsTypeName, propertyKey, typeName } from '../naming.ts';
import type { Plan } from '../plan/plan.ts';
import { docText } from './comments.ts';
import { tsType } from './type-mapping.ts';

/** `src/types.ts`: a TypeScript type for every GraphQL type and every field's arguments. */
export function emitTypes(plan: Plan, project: Project): SourceFile {
  const file = project.createSourceFile('types.ts', '', { overwrite: true });
  // Added in one go at the end: ts-morph reparses the file after each insertion.
  const statements: (InterfaceDeclarationStructure | TypeAliasDeclarationStructure)[] = [];
  const sink = {
    addTypeAlias: (s: Omit<TypeAliasDeclarationStructure, 'kind'>) =>
      statements.push({ ...s, kind: StructureKind.TypeAlias }),
    addInterface: (s: Omit<InterfaceDeclarationStructure, 'kind'>) =>
      statements.push({ ...s, kind: StructureKind.Interface }),
  };

  for (const type of Object.values(plan.schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const docs = type.description ? [docText(type.description)] : [];

    if (isScalarType(type)) {
      if (!type.astNode) continue;
      sink.addTypeAlias({
        name: typeName(type.name),
        isExported: true,
        type: 'unknown',
        docs:
          docs.length > 0 ? docs : [`The custom scalar \`${type.name}\`, passed through as JSON.`],
      });
    } else if (isEnumType(type)) {
      sink.addTypeAlias({
        name: typeName(type.name),
        isExported: true,
        type:
          type
            .getValues()
            .map((v) => JSON.stringify(v.name))
            .join(' | ') || 'never',
        docs,
      });
    } else if (isUnionType(type)) {
      sink.addTypeAlias({
        name: typeName(type.name),
        isExported: true,
        type:
          type
            .getTypes()
            .map((t) => typeName(t.name))
            .join(' | ') || 'never',
        docs,
      });
    } else if (isObjectType(type) || isInterfaceType(type)) {
      sink.addInterface({
        name: typeName(type.name),
        isExported: true,
        docs,
        properties: Object.values(type.getFields()).map(outputProperty),
      });
    } else if (isInputObjectType(type)) {
      sink.addInterface({
        name: typeName(type.name),
        isExported: true,
        docs,
        properties: Object.values(type.getFields()).map(inputProperty),
      });
    }
  }

  for (const type of Object.values(plan.schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      sink.addInterface({
        name: argsTypeName(
          type.name,
          field.name,
          (n) => plan.schema.getType(n) !== undefined && plan.schema.getType(n) !== null,
        ),
        isExported: true,
        docs: [`Arguments of \`${type.name}.${field.name}\`.`],
        properties: field.args.map(inputProperty),
      });
    }
  }

  file.addStatements(statements);
  return file;
}

function outputProperty(
  field: GraphQLField<unknown, unknown>,
): OptionalKind<PropertySignatureStructure> {
  return {
    name: propertyKey(field.name),
    type: tsType(field.type, false),
    hasQuestionToken: !isNonNullType(field.type),
    docs: field.description ? [docText(field.description)] : [],
  };
}

function inputProperty(
  field: GraphQLInputField | GraphQLArgument,
): OptionalKind<PropertySignatureStructure> {
  return {
    name: propertyKey(field.name),
    type: tsType(field.type, false),
    // graphql-js fills in defaults, so only a nullable field without one can be absent.
    hasQuestionToken: !isNonNullType(field.type) && field.defaultValue === undefined,
    docs: field.description ? [docText(field.description)] : [],
  };
}
