package peoplecsv

import (
	"fmt"
	"strings"
	"unicode"
)

// The fields a column can hold. Column.Field is one of these, or "" for a column Read ignores.
const (
	FieldName      = "name"
	FieldFirstName = "first name"
	FieldLastName  = "last name"
	FieldEmail     = "email"
	FieldManager   = "manager" // the manager's email
	FieldTitle     = "title"
	FieldStartDate = "start date"
	FieldStatus    = "status"
	FieldLadder    = "ladder"
	FieldTrack     = "track"
	FieldLevel     = "level"
)

// field is a column's meaning inside the package: an index into fieldNames.
type field int

const (
	fName field = iota
	fFirstName
	fLastName
	fEmail
	fManager
	fTitle
	fStartDate
	fStatus
	fLadder
	fTrack
	fLevel
	numFields
)

var fieldNames = [numFields]string{FieldName, FieldFirstName, FieldLastName, FieldEmail, FieldManager, FieldTitle,
	FieldStartDate, FieldStatus, FieldLadder, FieldTrack, FieldLevel}

// aliases maps a header, lower-cased with everything but letters and digits dropped, to its
// field: the names HR systems commonly export under.
var aliases = func() map[string]field {
	names := [numFields][]string{
		fName:      {"name", "fullname", "employeename", "employeefullname"},
		fFirstName: {"firstname", "givenname", "forename"},
		fLastName:  {"lastname", "surname", "familyname"},
		fEmail:     {"email", "workemail", "emailaddress", "workemailaddress", "businessemail"},
		fManager: {"manager", "manageremail", "manageremailaddress", "reportsto", "reportstoemail",
			"linemanager", "linemanageremail", "supervisor", "supervisoremail"},
		fTitle: {"title", "jobtitle", "position", "positiontitle", "role"},
		fStartDate: {"startdate", "hiredate", "joined", "joindate", "joineddate", "dateofhire",
			"dateofjoining"},
		fStatus: {"status", "employmentstatus"},
		fLadder: {"ladder"},
		fTrack:  {"track"},
		fLevel:  {"level"},
	}
	m := map[string]field{}
	for f, keys := range names {
		for _, k := range keys {
			m[k] = field(f)
		}
	}
	return m
}()

// headerKey is how headers are compared: case, spaces and punctuation do not count.
func headerKey(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// columns says which column holds which field; -1 for a field the file does not have.
type columns struct {
	index [numFields]int
	list  []Column
}

func (c *columns) has(f field) bool { return c.index[f] >= 0 }

// header is the header of f's column as written, "" if there is none.
func (c *columns) header(f field) string {
	if i := c.index[f]; i >= 0 {
		return c.list[i].Header
	}
	return ""
}

// mapColumns reads the header row. A second column for a field already taken, or a missing
// required one, is an error at line 1.
func mapColumns(header []string) (columns, []RowError) {
	var c columns
	for f := range c.index {
		c.index[f] = -1
	}
	var errs []RowError
	for i, h := range header {
		h = strings.TrimSpace(h)
		f, known := aliases[headerKey(h)]
		name := ""
		if known {
			if j := c.index[f]; j >= 0 {
				errs = append(errs, RowError{Line: 1, Column: h,
					Reason: fmt.Sprintf("a second %s column (column %q is one already); remove or rename one", fieldNames[f], c.list[j].Header)})
			} else {
				c.index[f], name = i, fieldNames[f]
			}
		}
		c.list = append(c.list, Column{Header: h, Field: name})
	}
	// A full name wins over its parts: those columns are then ignored.
	if c.has(fName) {
		for _, f := range []field{fFirstName, fLastName} {
			if i := c.index[f]; i >= 0 {
				c.list[i].Field, c.index[f] = "", -1
			}
		}
	}
	switch {
	case c.has(fName):
	case c.has(fFirstName) && c.has(fLastName):
	case c.has(fFirstName) || c.has(fLastName):
		errs = append(errs, RowError{Line: 1, Reason: "no name column: a First name column needs a Last name column beside it, or use one Name column"})
	default:
		errs = append(errs, RowError{Line: 1, Reason: "no name column (Name, Full name, Employee name, or First name and Last name)"})
	}
	if !c.has(fEmail) {
		errs = append(errs, RowError{Line: 1, Reason: "no email column (Email, Work email, E-mail)"})
	}
	if !c.has(fStartDate) {
		errs = append(errs, RowError{Line: 1, Reason: "no start date column (Start date, Hire date, Joined)"})
	}
	return c, errs
}
