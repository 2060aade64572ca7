package spec

import (
	"errors"

	"gopkg.in/yaml.v3"
)

// yamlNodeBudget caps how many nodes a YAML document may expand to. Aliases
// let a few hundred bytes expand exponentially ("billion laughs"); a real
// pipeline definition is a few thousand nodes at most.
const yamlNodeBudget = 200_000

// yamlMaxDepth caps nesting for the same reason: aliases can nest deeper
// than the text does.
const yamlMaxDepth = 500

var errYAMLTooLarge = errors.New("the YAML document is too large or nests too deeply once its aliases are expanded")

// yamlConverter turns a yaml.Node tree into a value tree, resolving aliases
// and merge keys ("<<: *defaults") the way yaml.v3 would when decoding.
type yamlConverter struct {
	budget int
}

func (c *yamlConverter) convert(n *yaml.Node, depth int) (*value, error) {
	c.budget--
	if c.budget < 0 || depth > yamlMaxDepth {
		return nil, errYAMLTooLarge
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &value{kind: kindNull, line: n.Line}, nil
		}
		return c.convert(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return &value{kind: kindNull, line: n.Line}, nil
		}
		v, err := c.convert(n.Alias, depth+1)
		if err != nil {
			return nil, err
		}
		// Report problems where the alias is used, not where it is defined.
		v.line = n.Line
		return v, nil
	case yaml.SequenceNode:
		v := &value{kind: kindList, line: n.Line}
		for _, item := range n.Content {
			iv, err := c.convert(item, depth+1)
			if err != nil {
				return nil, err
			}
			v.items = append(v.items, iv)
		}
		return v, nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	case yaml.ScalarNode:
		return scalarValue(n), nil
	}
	return &value{kind: kindNull, line: n.Line}, nil
}

func scalarValue(n *yaml.Node) *value {
	v := &value{text: n.Value, line: n.Line, loose: true}
	switch n.ShortTag() {
	case "!!null":
		v.kind = kindNull
	case "!!bool":
		v.kind = kindBool
	case "!!int", "!!float":
		v.kind = kindNumber
	default:
		// !!str, !!timestamp, !!binary and custom tags: all text to us.
		v.kind = kindString
	}
	return v
}
