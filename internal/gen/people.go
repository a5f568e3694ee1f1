package gen

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Employee is one row of a generated HR export: the columns `rungs admin import-people` reads.
type Employee struct {
	Name, Email, Title, Manager string // Manager: the manager's email, "" for the head
	Start                       time.Time
	Status                      string // "active" or "left"
	Ladder, Track, Level        string // a first level on the bundled engineering framework, or ""
	Depth                       int    // 1 for the head, 2 for their reports...
	Below                       int    // how many people are below them (direct and indirect reports)
}

// The people of an organisation that load tests sign in as or look at.
const (
	OrgHead = 0 // the head of the organisation: everyone reports to them
	OrgVP   = 1 // a vice-president: 11,110 people below them in an organisation of 100,000
)

// OrgLead is the index of a team lead with eleven direct reports and nobody further down,
// at the bottom of the tree's deepest branch.
func OrgLead(n int) int { return n - 12 }

var firstNames = strings.Fields(`Ada Ahmed Aiko Alba Amara Anders Anika Arjun Aurora Bea Bilal Bruno
Carmen Chen Chidi Clara Dara Diego Elif Elena Emeka Esther Farah Felix Freya Gabriel Hana Hugo Ines
Ivan Jamal Jana Joao Kai Kamala Karin Kofi Lars Leila Lena Liam Lucia Malik Mara Mateo Maya Mei Milan
Nadia Nia Noor Olu Omar Paula Priya Quinn Rafael Rania Rosa Ruth Sami Sara Soren Tariq Thea Tomas Uma
Vera Wei Yara Yusuf Zainab Zoltan`)

var lastNames = strings.Fields(`Abara Adeyemi Alvarez Andersen Bakker Banerjee Berg Bianchi Boateng
Castro Chowdhury Costa Dahl Demir Dubois Eriksen Fernandes Fischer Garcia Gashi Haddad Hansen Horvat
Ibrahim Ito Jansen Kaya Kim Kowalski Kumar Larsen Laurent Lindqvist Lopez Mahlaba Marino Meyer Mensah
Moreau Nakamura Navarro Nguyen Novak Okafor Olsen Ortiz Park Petrov Popescu Quispe Rahman Reyes Rossi
Sato Schmidt Silva Singh Sokolov Tanaka Torres Traore Varga Vasquez Wagner Weber Yamamoto Yilmaz Zhang
Zielinski`)

var icLevels = []string{"associate", "engineer", "engineer", "senior", "senior", "staff", "principal"}
var icTracks = []string{"product", "product", "product", "sre", "quality", "security"}
var icTitles = map[string]string{
	"associate": "Associate Software Engineer", "engineer": "Software Engineer", "senior": "Senior Software Engineer",
	"staff": "Staff Engineer", "principal": "Principal Engineer",
}

// Org returns an organisation of n people (at least 100) shaped like a large engineering
// department, the same every time: a head, ten reports to each manager down a tree six deep,
// and one branch two levels deeper that ends with a team lead (OrgLead) of eleven. Managers
// are on the engineering-management ladder, everyone else on the engineering ladder, one in
// six not levelled yet, and one in thirty has left. Everyone is listed after their manager.
func Org(n int) []Employee {
	if n < 100 {
		n = 100
	}
	r := rand.New(rand.NewPCG(20, uint64(n)))
	manager := make([]int, n)
	for i := 1; i < n; i++ {
		manager[i] = (i - 1) / 10
	}
	// The deepest branch: a lead below a person at the bottom of the tree, and eleven reports.
	lead := OrgLead(n)
	manager[lead] = lead - 1
	for i := lead + 1; i < n; i++ {
		manager[i] = lead
	}
	depth := make([]int, n)
	reports := make([]int, n)
	depth[0] = 1
	for i := 1; i < n; i++ {
		depth[i] = depth[manager[i]] + 1
		reports[manager[i]]++
	}
	below := make([]int, n)
	for i := n - 1; i > 0; i-- { // managers come before their reports
		below[manager[i]] += below[i] + 1
	}
	people := make([]Employee, n)
	for i := range people {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		e := Employee{
			Name:   first + " " + last,
			Email:  strings.ToLower(first+"."+last) + strconv.Itoa(i) + "@example.com",
			Start:  time.Date(2008+r.IntN(18), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
			Status: "active",
			Depth:  depth[i],
			Below:  below[i],
		}
		if i > 0 {
			e.Manager = people[manager[i]].Email
		}
		switch {
		case depth[i] == 1:
			e.Title = "Chief Technology Officer"
		case depth[i] == 2:
			e.Title = "Vice President, Engineering"
		case reports[i] > 0 && depth[i] == 3:
			e.Title, e.Ladder, e.Level = "Director of Engineering", "engineering-management", "director"
		case reports[i] > 0 && depth[i] == 4:
			e.Title, e.Ladder, e.Level = "Senior Engineering Manager", "engineering-management", "senior-manager"
		case reports[i] > 0:
			e.Title, e.Ladder, e.Level = "Engineering Manager", "engineering-management", "manager"
		default:
			level := icLevels[r.IntN(len(icLevels))]
			e.Title, e.Ladder, e.Track, e.Level = icTitles[level], "engineering", icTracks[r.IntN(len(icTracks))], level
			if r.IntN(30) == 0 {
				e.Status = "left"
			}
		}
		if r.IntN(6) == 0 {
			e.Ladder, e.Track, e.Level = "", "", ""
		}
		people[i] = e
	}
	return people
}

// WriteOrgCSV writes people as an HR system's CSV export, with a header.
func WriteOrgCSV(w io.Writer, people []Employee) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"Name", "Email", "Job title", "Manager email", "Start date", "Status", "Ladder", "Track", "Level"}); err != nil {
		return err
	}
	for _, e := range people {
		if err := cw.Write([]string{e.Name, e.Email, e.Title, e.Manager, e.Start.Format(time.DateOnly), e.Status, e.Ladder, e.Track, e.Level}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write people: %w", err)
	}
	return nil
}

// Searches are what people type into the search box looking for someone of org, the same
// every time: the start of a first name, part of a last name, a whole name, the start of an
// email address, a whole one without its domain.
func Searches(org []Employee) []string {
	var qs []string
	for j := range 200 {
		e := org[(j*7919+13)%len(org)]
		first, last, _ := strings.Cut(e.Name, " ")
		local, _, _ := strings.Cut(e.Email, "@")
		switch j % 5 {
		case 0:
			qs = append(qs, strings.ToLower(first[:min(3, len(first))]))
		case 1:
			qs = append(qs, last[1:min(6, len(last))])
		case 2:
			qs = append(qs, e.Name)
		case 3:
			qs = append(qs, local[:min(len(first)+3, len(local))])
		case 4:
			qs = append(qs, local)
		}
	}
	return qs
}
