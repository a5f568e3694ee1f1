package app

import "github.com/rungs/rungs/internal/app/web"

// StylesheetName is the stylesheet's fingerprinted name, for the tests outside the package.
var StylesheetName = web.StylesheetName

// AutosaveScriptName is the drafts' script's fingerprinted name.
var AutosaveScriptName = web.AutosaveScriptName

// ContentSecurityPolicy is the app pages' policy, for the tests outside the package.
const ContentSecurityPolicy = web.ContentSecurityPolicy
