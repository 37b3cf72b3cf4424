# A Node front end, the naive way: build it and serve it from the same image.
#
# The full node image (compilers, headers, npm), node_modules with every dev
# dependency, and the sources all ship, just to serve a folder of static files.
FROM node:20
WORKDIR /app
COPY . .
RUN npm ci && npm run build
EXPOSE 3000
CMD ["npx", "serve", "-s", "dist", "-l", "3000"]
