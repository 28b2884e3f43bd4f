package reports

// Parser reads reports. The zero value is ready to use and applies the
// default limits; set a field to change one. A Parser holds no state
// between calls and may be used by several goroutines at once.
//
// Every limit guards against a hostile or broken report: a gzip or zip
// bomb, an e-mail with thousands of parts, an XML document nested without
// end or with one gigantic element. Reaching a limit is an error that
// wraps ErrLimit and names the field (*LimitError).
type Parser struct {
	// MaxDecompressed bounds the bytes of one payload after decompression
	// (the XML or JSON text). Default 512 MiB; the largest real aggregate
	// reports are tens of MB.
	MaxDecompressed int64
	// MaxRatio bounds decompressed/compressed size of a gzip or zip
	// payload, checked once the output passes 1 MiB. Default 1000; XML
	// reports compress 10 to 60 times.
	MaxRatio int64
	// MaxInput bounds the bytes read from the input itself: a whole
	// e-mail, or a zip archive (which must be held to read its central
	// directory unless the input is an io.ReaderAt with a Size method).
	// Default 64 MiB.
	MaxInput int64
	// MaxAttachments bounds the MIME parts of one e-mail that are looked
	// at, and the members of one zip archive. Default 64.
	MaxAttachments int
	// MaxNesting bounds nesting: of MIME multiparts and message/rfc822
	// parts in an e-mail, and of containers (a zip inside a gzip). Default 8.
	MaxNesting int
	// MaxDepth bounds the XML element depth. The aggregate schema needs 5
	// levels. Default 32.
	MaxDepth int
	// MaxRecords bounds the <record> elements of one aggregate report and
	// the policies of one TLS report. Default 10,000,000.
	MaxRecords int
	// MaxElement bounds the bytes of one XML token (an element's text, a
	// tag with its attributes) and of one JSON string. Default 64 KiB.
	MaxElement int
	// MaxWarnings bounds the warnings kept per report; further deviations
	// are counted in WarningsDropped. Default 1000.
	MaxWarnings int

	// Recover makes the aggregate parser repair what real reporters get
	// wrong and strict XML refuses, with a warning for each kind of repair:
	// bytes that are not UTF-8 are dropped, a "<" that opens no tag (an
	// address like <a@b.example> in element text) is read as text, and a
	// wrapper element around <feedback> left unclosed at the end is
	// accepted. This is what parsedmarc does (with different results, see
	// the corpus README). Off by default: such a report is an error.
	Recover bool

	// slowXML turns the fast scanner off (tests compare both paths).
	slowXML bool
}

// Defaults of the Parser limits.
const (
	DefaultMaxDecompressed = 512 << 20
	DefaultMaxRatio        = 1000
	DefaultMaxInput        = 64 << 20
	DefaultMaxAttachments  = 64
	DefaultMaxNesting      = 8
	DefaultMaxDepth        = 32
	DefaultMaxRecords      = 10_000_000
	DefaultMaxElement      = 64 << 10
	DefaultMaxWarnings     = 1000
)

// ratioFloor is the decompressed size below which MaxRatio is not checked:
// a tiny compressed file may well expand a hundredfold.
const ratioFloor = 1 << 20

func (p *Parser) maxDecompressed() int64 {
	if p == nil || p.MaxDecompressed <= 0 {
		return DefaultMaxDecompressed
	}
	return p.MaxDecompressed
}

func (p *Parser) maxRatio() int64 {
	if p == nil || p.MaxRatio <= 0 {
		return DefaultMaxRatio
	}
	return p.MaxRatio
}

func (p *Parser) maxInput() int64 {
	if p == nil || p.MaxInput <= 0 {
		return DefaultMaxInput
	}
	return p.MaxInput
}

func (p *Parser) maxAttachments() int {
	if p == nil || p.MaxAttachments <= 0 {
		return DefaultMaxAttachments
	}
	return p.MaxAttachments
}

func (p *Parser) maxNesting() int {
	if p == nil || p.MaxNesting <= 0 {
		return DefaultMaxNesting
	}
	return p.MaxNesting
}

func (p *Parser) maxDepth() int {
	if p == nil || p.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return p.MaxDepth
}

func (p *Parser) maxRecords() int {
	if p == nil || p.MaxRecords <= 0 {
		return DefaultMaxRecords
	}
	return p.MaxRecords
}

func (p *Parser) maxElement() int {
	if p == nil || p.MaxElement <= 0 {
		return DefaultMaxElement
	}
	return p.MaxElement
}

func (p *Parser) maxWarnings() int {
	if p == nil || p.MaxWarnings <= 0 {
		return DefaultMaxWarnings
	}
	return p.MaxWarnings
}
