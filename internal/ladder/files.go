package ladder

// The shapes of the YAML files, as written by authors. Loading turns them into the model after
// reporting every problem; positions are kept so each problem names its place.

type frameworkFile struct {
	Pos          Pos
	Format       int    `yaml:"format"`
	Title        string `yaml:"title,required"`
	Organisation string `yaml:"organisation"`
	Logo         string `yaml:"logo"`
	Description  string `yaml:"description"`
	BaseURL      string `yaml:"base_url"`
	Repository   string `yaml:"repository"`
	EditURL      string `yaml:"edit_url"`
	// AdminsReadAssessments is nil when not written: admins read assessments.
	AdminsReadAssessments *bool        `yaml:"admins_read_assessments"`
	Scale                 []ratingFile `yaml:"scale,required"`
	Ladders               []ident      `yaml:"ladders,required"`
	Pages                 []ident      `yaml:"pages"`
	At                    keyPositions
}

type ratingFile struct {
	Pos         Pos
	ID          ident  `yaml:"id,required"`
	Label       string `yaml:"label,required"`
	Description string `yaml:"description"`
}

type crosswalkFile struct {
	Titles []titleFile `yaml:"titles"`
}

type titleFile struct {
	Pos   Pos
	Title string `yaml:"title,required"`
	Level ident  `yaml:"level,required"`
	Note  string `yaml:"note"`
}

type ladderFile struct {
	Pos          Pos
	Title        string         `yaml:"title,required"`
	Summary      string         `yaml:"summary"`
	Description  string         `yaml:"description"`
	Groups       []groupFile    `yaml:"groups,required"`
	Tracks       []trackFile    `yaml:"tracks"`
	Levels       []ident        `yaml:"levels,required"`
	BranchesFrom *refFile       `yaml:"branches_from"`
	Equivalences []equivFile    `yaml:"equivalences"`
	Promotion    *promotionFile `yaml:"promotion"`
}

type groupFile struct {
	Pos   Pos
	ID    ident      `yaml:"id,required"`
	Title string     `yaml:"title,required"`
	Areas []areaFile `yaml:"areas,required"`
}

type areaFile struct {
	Pos         Pos
	ID          ident  `yaml:"id,required"`
	Title       string `yaml:"title,required"`
	Kind        ident  `yaml:"kind"`
	From        ident  `yaml:"from"`
	Description string `yaml:"description"`
}

type trackFile struct {
	Pos     Pos
	ID      ident  `yaml:"id,required"`
	Title   string `yaml:"title,required"`
	Summary string `yaml:"summary"`
}

type refFile struct {
	Pos    Pos
	Ladder ident `yaml:"ladder,required"`
	Level  ident `yaml:"level,required"`
}

type equivFile struct {
	Pos    Pos
	Level  ident `yaml:"level,required"`
	Equals ident `yaml:"equals,required"`
}

type levelFront struct {
	Pos       Pos
	Title     string     `yaml:"title,required"`
	Code      string     `yaml:"code"`
	Summary   string     `yaml:"summary"`
	Tenure    rangeValue `yaml:"tenure"`
	TimeSplit splitMap   `yaml:"time_split"`
	Notes     string     `yaml:"indicator_notes"`
}

type pageFront struct {
	Pos   Pos
	Title string `yaml:"title,required"`
}
