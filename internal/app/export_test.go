package app

// StylesheetName is the stylesheet's fingerprinted name, for the tests outside the package.
var StylesheetName = appCSSName
