import "./app.js"
