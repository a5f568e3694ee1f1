package policy

// A home page shows a person what needs them: their own assessments, check-ins and action
// items, to everyone signed in; their direct reports at a glance (level, time in level, last
// check-in date, where their assessment stands, never what was said or rated) to a manager,
// as their people list and the cycle's list already show them; and the organisation's counts
// and first setup to the people team.

// HomeAccess is what a viewer's home page shows beside their own things.
type HomeAccess struct {
	Team       bool // their direct reports
	PeopleTeam bool // the organisation's counts, cycles' completion and the setup checklist
}

// Home says what v's home page shows.
func Home(v *Viewer) HomeAccess {
	return HomeAccess{Team: v.Manager, PeopleTeam: v.Admin()}
}
